import { Suspense } from 'react';
import { useAppStore } from '../store';
import { CniPanel, type Cni } from './CniPanel';
import { Controls } from './Controls';
import { ErrorBoundary } from './ErrorBoundary';
import { ModeSelects } from './ModeSelects';
import { PacketComposer } from './PacketComposer';
import { openSidePanels } from './panels';
import type { PanelPlayback } from './usePlayback';

/** The toolbar, the CNI panels side by side, and the open side panels of the registry. */
export function Workspace({
  shown,
  playback,
  longest,
  builtInText,
}: {
  shown: readonly Cni[];
  playback: Readonly<Record<Cni, PanelPlayback>>;
  longest: number;
  builtInText: string | undefined;
}) {
  const layout = useAppStore((s) => s.view.layout);
  const panels = useAppStore((s) => s.view.panels);
  const side = openSidePanels(panels);
  return (
    <div className="visualizer">
      <div className="toolbar">
        <Controls longest={longest} />
        <PacketComposer />
        <ModeSelects />
      </div>
      <div className={`workspace layout-${layout}`}>
        <main className="panels">
          {shown.map((c) => (
            <ErrorBoundary key={c} name={c === 'calico' ? 'Calico' : 'Cilium'}>
              <CniPanel cni={c} playback={playback[c]} />
            </ErrorBoundary>
          ))}
        </main>
        {side.length > 0 && (
          <aside className="side-panels">
            {side.map(({ spec, View }) => (
              <ErrorBoundary key={spec.id} name={spec.label}>
                <Suspense
                  fallback={
                    <p className="side-panel-loading">Loading {spec.label.toLowerCase()}…</p>
                  }
                >
                  <View shown={shown} builtInText={builtInText} />
                </Suspense>
              </ErrorBoundary>
            ))}
          </aside>
        )}
      </div>
    </div>
  );
}
