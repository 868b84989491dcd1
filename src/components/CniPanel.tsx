import type { WalkConfig } from '../datapath/config';
import type { Cni } from '../engine/model';
import { costUpTo } from '../datapath/hop';
import { CNI_TITLE, longModes, shortModes } from '../scene/words';
import {
  selectCalicoConfig,
  selectScene,
  selectCiliumConfig,
  selectWalk,
  useAppStore,
} from '../store';
import { HopSummary } from './HopSummary';
import { TopologyView } from './TopologyView';
import type { PanelPlayback } from './usePlayback';

export type { Cni };

/**
 * One CNI's side: a one-line header (CNI, modes, this panel's own hop count, stage), its topology
 * with the packet, and the current hop's summary. Clicking pods in the drawing picks the packet.
 */
export function CniPanel({
  cni,
  playback,
  onSelectPod,
}: {
  cni: Cni;
  playback: PanelPlayback;
  onSelectPod?: (key: string) => void;
}) {
  const calico = useAppStore(selectCalicoConfig);
  const cilium = useAppStore(selectCiliumConfig);
  const outcome = useAppStore(selectWalk(cni));
  const config: WalkConfig = cni === 'calico' ? { cni, calico } : { cni, cilium };
  // Built by the engine (in the worker) beside the walk: this panel only draws it.
  const scene = useAppStore(selectScene(cni)) ?? null;
  const result = outcome?.ok ? outcome.result : undefined;
  const hops = result?.hops ?? [];
  const index = playback.index;
  const cost = costUpTo(hops, index);
  const title = CNI_TITLE[cni];
  const headingId = `panel-${cni}-title`;
  return (
    <section className={`cni-panel cni-${cni}`} aria-labelledby={headingId} data-cni={cni}>
      <header className="cni-panel-header">
        <h2 id={headingId}>{title}</h2>
        <p className="cni-mode" title={longModes(config)}>
          {shortModes(config)}
        </p>
        <p className="cni-position">
          Hop{' '}
          <strong data-testid={`${cni}-hop`}>
            {hops.length === 0 ? '–' : `${index + 1} of ${hops.length}`}
          </strong>
        </p>
      </header>
      {outcome && !outcome.ok && (
        <p className="walk-error" role="alert">
          This packet cannot be walked: {outcome.error}
        </p>
      )}
      <TopologyView
        label={`${title} topology`}
        scene={scene}
        hops={hops}
        index={index}
        {...(result?.dropReason ? { dropReason: result.dropReason } : {})}
        {...(onSelectPod ? { onSelectPod } : {})}
      />
      <HopSummary
        cni={cni}
        stage={playback.stage}
        hop={hops[index]}
        verdict={playback.final ? result?.verdict : undefined}
        dropReason={result?.dropReason}
        cost={cost}
      />
    </section>
  );
}
