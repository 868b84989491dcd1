import { useMemo } from 'react';
import { ciliumHostRoutingReason, describeWalkConfig, type WalkConfig } from '../datapath/config';
import { costUpTo } from '../datapath/hop';
import { buildScene } from '../datapath/scene';
import { useAppStore } from '../store';
import { openCniPanels } from './panels';
import { TopologyView } from './TopologyView';
import type { PanelPlayback } from './usePlayback';

export type Cni = 'calico' | 'cilium';

const TITLE = { calico: 'Calico', cilium: 'Cilium' } as const;
const NO_WORDS: readonly string[] = [];
const STAGE_WORDS: Record<string, string> = {
  'in-pod': 'in the source pod',
  'egress-hook': 'egress hook',
  'egress-policy': 'egress policy',
  'service-lb': 'service load balancing',
  routing: 'routing decision',
  encapsulation: 'encapsulation',
  wire: 'on the wire',
  'ingress-hook': 'ingress hook',
  'ingress-policy': 'ingress policy',
  delivered: 'delivered',
  dropped: 'dropped',
};
export const stageWords = (stage: string): string => STAGE_WORDS[stage] ?? stage;

/** One CNI's side: its topology with the packet, its running cost, and its inspector. */
export function CniPanel({ cni, playback }: { cni: Cni; playback: PanelPlayback }) {
  const cluster = useAppStore((s) => s.cluster);
  const view = useAppStore((s) => s.view);
  const outcome = useAppStore((s) => s.walks[cni]);
  const highlight = useAppStore((s) => (s.route.page === 'lesson' ? s.highlight : NO_WORDS));
  const config: WalkConfig =
    cni === 'calico' ? { cni, calico: view.calico } : { cni, cilium: view.cilium };
  const scene = useMemo(
    () => (cluster ? buildScene(cluster, config) : null),
    // The scene depends on the cluster and this CNI's configuration only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cluster, cni === 'calico' ? view.calico : view.cilium],
  );
  const result = outcome?.ok ? outcome.result : undefined;
  const hops = result?.hops ?? [];
  const index = playback.index;
  const cost = costUpTo(hops, index);
  const title = TITLE[cni];
  const headingId = `panel-${cni}-title`;
  return (
    <section className={`cni-panel cni-${cni}`} aria-labelledby={headingId} data-cni={cni}>
      <header className="cni-panel-header">
        <h2 id={headingId}>{title}</h2>
        <p className="cni-mode">{describeWalkConfig(config)}</p>
        {config.cni === 'cilium' && (
          <p className="cni-host-routing" data-testid="cilium-host-routing">
            {ciliumHostRoutingReason(config.cilium)}
          </p>
        )}
      </header>
      {outcome && !outcome.ok && (
        <p className="walk-error" role="alert">
          This packet cannot be walked: {outcome.error}
        </p>
      )}
      <dl className="running-cost" aria-label={`${title} running cost`}>
        <div>
          <dt>Hop</dt>
          <dd data-testid={`${cni}-hop`}>
            {hops.length === 0 ? '–' : `${index + 1} of ${hops.length}`}
          </dd>
        </div>
        <div>
          <dt>Stage</dt>
          <dd data-testid={`${cni}-stage`} data-stage={playback.stage}>
            {hops.length === 0 ? '–' : stageWords(playback.stage)}
          </dd>
        </div>
        <div>
          <dt>Rules tested</dt>
          <dd data-testid={`${cni}-rules`}>{cost.rules}</dd>
        </div>
        <div>
          <dt>Map lookups</dt>
          <dd data-testid={`${cni}-lookups`}>{cost.lookups}</dd>
        </div>
      </dl>
      <TopologyView
        label={`${title} topology`}
        scene={scene}
        hops={hops}
        index={index}
        {...(result?.dropReason ? { dropReason: result.dropReason } : {})}
      />
      {openCniPanels(view.panels).map(({ spec, View }) => (
        <View
          key={spec.id}
          cni={cni}
          hops={hops}
          index={index}
          verdict={playback.final ? result?.verdict : undefined}
          dropReason={result?.dropReason}
          highlight={highlight}
        />
      ))}
    </section>
  );
}
