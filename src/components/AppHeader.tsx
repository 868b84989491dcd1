import { packetLine } from './packetChoice';
import { lazy, Suspense, useCallback, useState } from 'react';
import { ciliumHostRoutingReason } from '../datapath/config';
import {
  describeGenerated,
  GENERATED_PREFIX,
  isGeneratedScenarioId,
  parseGenerateToken,
} from '../engine/generateOptions';
import {
  isUserScenarioId,
  type Layout,
  selectCiliumConfig,
  selectLayout,
  selectPacket,
  selectRoute,
  selectScenarioId,
  showsVisualizer,
  useAppActions,
  useAppStore,
} from '../store';
import { ImportFiles, ImportFilesButton } from './ImportFiles';
import { GenerateDialog, SharePopover } from './lazyViews';
import type { ScenarioChoice } from './lessonSupport';
import { ModeSelects } from './ModeSelects';
import { PacketComposer } from './PacketComposer';
import { PanelToggles } from './PanelToggles';
import { Popover } from './Popover';
import { ThemeToggle } from './ThemeToggle';

const LAYOUT_LABEL: Record<Layout, string> = {
  compare: 'Compare',
  calico: 'Calico only',
  cilium: 'Cilium only',
};

/** The Modes button's summary: " only" is a span the narrow header keeps for screen readers only. */
function layoutSummary(layout: Layout) {
  if (layout === 'compare') return LAYOUT_LABEL.compare;
  return (
    <>
      {LAYOUT_LABEL[layout].replace(/ only$/, '')}
      <span className="modes-only"> only</span>
    </>
  );
}

/** How the scenario select names a scenario that is not built in. */
function otherScenarioTitle(id: string): string {
  if (!isGeneratedScenarioId(id)) return 'This lesson’s scenario';
  const parsed = parseGenerateToken(id.slice(GENERATED_PREFIX.length));
  return parsed.ok ? `Generated: ${describeGenerated(parsed.options)}` : 'Generated cluster';
}

const ScenarioLibrary = lazy(() =>
  import('./ScenarioLibrary').then((m) => ({ default: m.ScenarioLibrary })),
);

/** A challenge to start from: a small number, easy to read out to a room ("challenge 17"). */
const firstSeed = (): number => 1 + Math.floor(Math.random() * 999);

/**
 * The toolbar, one row: title, pages, the packet (with its scenario) and the modes (with the layout),
 * both popovers over the picture; the panel toggles, `?` and the theme.
 */
export function AppHeader({
  scenarios,
  onHelp,
}: {
  scenarios: readonly ScenarioChoice[];
  onHelp: () => void;
}) {
  const route = useAppStore(selectRoute);
  const setRoute = useAppActions().setRoute;
  const scenarioId = useAppStore(selectScenarioId);
  const layout = useAppStore(selectLayout);
  const packet = useAppStore(selectPacket);
  const cilium = useAppStore(selectCiliumConfig);
  const setScenario = useAppActions().setScenario;
  const setLayout = useAppActions().setLayout;
  const visualizer = showsVisualizer(route);
  const [generating, setGenerating] = useState(false);
  const closeGenerate = useCallback(() => {
    setGenerating(false);
    // The opener sits in the Packet popover, which a click in the dialog closed: return there.
    document.querySelector<HTMLButtonElement>('.packet-popover .popover-button')?.focus();
  }, []);
  const [library, setLibrary] = useState(false);
  const closeLibrary = useCallback(() => {
    setLibrary(false);
    // After the dialog is gone (closing it returns the focus to its opener, hidden in the popover).
    requestAnimationFrame(() =>
      document.querySelector<HTMLButtonElement>('.packet-popover .popover-button')?.focus(),
    );
  }, []);
  const builtIns = scenarios.filter((s) => !isUserScenarioId(s.id));
  const mine = scenarios.filter((s) => isUserScenarioId(s.id));
  return (
    <header className="app-header">
      <h1>PacketWalk</h1>
      <nav className="segmented" aria-label="Pages">
        <button
          type="button"
          aria-pressed={route.page === 'walk'}
          onClick={() => setRoute({ page: 'walk' })}
        >
          Visualizer
        </button>
        <button
          type="button"
          aria-pressed={
            route.page === 'lessons' || route.page === 'lesson' || route.page === 'opening'
          }
          onClick={() => setRoute({ page: 'lessons' })}
        >
          Lessons
        </button>
        <button
          type="button"
          aria-pressed={route.page === 'facts'}
          onClick={() => setRoute({ page: 'facts' })}
          title="The seed articles' claims, fact-checked"
        >
          Fact check
        </button>
        <button
          type="button"
          aria-pressed={route.page === 'challenge'}
          onClick={() => setRoute({ page: 'challenge', seed: firstSeed() })}
          title="Predict where a random packet is decided, then see the walk"
        >
          Challenge
        </button>
      </nav>
      {visualizer && (
        <div className="header-tools">
          <Popover label="Packet" summary={packetLine(packet)} className="packet-popover">
            <label className="scenario">
              Scenario
              <select value={scenarioId} onChange={(e) => setScenario(e.target.value)}>
                {builtIns.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.title}
                  </option>
                ))}
                {!scenarios.some((s) => s.id === scenarioId) && (
                  <option value={scenarioId}>{otherScenarioTitle(scenarioId)}</option>
                )}
                {mine.length > 0 && (
                  <optgroup label="Your scenarios">
                    {mine.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.title}
                      </option>
                    ))}
                  </optgroup>
                )}
              </select>
            </label>
            <button type="button" className="library-open" onClick={() => setLibrary(true)}>
              Scenario library…
            </button>
            <button type="button" className="generate-open" onClick={() => setGenerating(true)}>
              Generate a large cluster…
            </button>
            <ImportFilesButton />
            <PacketComposer />
          </Popover>
          <Popover label="Modes" summary={layoutSummary(layout)} className="modes-popover">
            <div className="segmented" role="group" aria-label="Layout">
              {(['compare', 'calico', 'cilium'] as const).map((l) => (
                <button
                  key={l}
                  type="button"
                  aria-pressed={layout === l}
                  onClick={() => setLayout(l)}
                >
                  {LAYOUT_LABEL[l]}
                </button>
              ))}
            </div>
            <ModeSelects />
            <p className="cni-host-routing" data-testid="cilium-host-routing">
              Cilium: {ciliumHostRoutingReason(cilium)}
            </p>
          </Popover>
          <PanelToggles />
          <ImportFiles />
          <GenerateDialog open={generating} onClose={closeGenerate} />
          {library && (
            <Suspense fallback={null}>
              <ScenarioLibrary scenarios={scenarios} onClose={closeLibrary} />
            </Suspense>
          )}
        </div>
      )}
      <div className="header-end">
        {visualizer && (
          <Suspense
            fallback={
              <button type="button" disabled>
                Share ▾
              </button>
            }
          >
            <SharePopover scenarios={scenarios} />
          </Suspense>
        )}
        <button
          type="button"
          onClick={onHelp}
          aria-keyshortcuts="?"
          aria-label="Shortcuts"
          title="Keyboard shortcuts and legend (?)"
        >
          ?
        </button>
        <ThemeToggle />
      </div>
    </header>
  );
}
