import { useMemo } from 'react';
import { calicoUsesBgp, ciliumHostRouting, type WalkConfig } from '../datapath/config';
import { describeWalkConfig } from '../datapath/options';
import type { Cni } from '../engine/model';
import { costUpTo } from '../datapath/hop';
import { buildScene } from '../scene/scene';
import {
  selectCalicoConfig,
  selectCiliumConfig,
  selectCluster,
  selectWalk,
  useAppStore,
} from '../store';
import { HopSummary } from './HopSummary';
import { TopologyView } from './TopologyView';
import type { PanelPlayback } from './usePlayback';

export type { Cni };

const TITLE = { calico: 'Calico', cilium: 'Cilium' } as const;
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

/** The modes in a few words for the panel's one-line header (the full sentence is its title). */
export function shortModes(config: WalkConfig): string {
  if (config.cni === 'calico') {
    const c = config.calico;
    return [
      c.dataplane,
      c.encap === 'none' ? 'no encapsulation' : c.encap,
      calicoUsesBgp(c) ? `BGP ${c.peering}` : 'Felix routes',
      c.wireguard ? 'WireGuard' : '',
    ]
      .filter(Boolean)
      .join(' · ');
  }
  const c = config.cilium;
  return [
    c.routing === 'native' ? 'native routing' : c.routing === 'eni' ? 'AWS ENI' : c.routing,
    c.kubeProxyReplacement ? 'KPR' : 'kube-proxy',
    `${ciliumHostRouting(c)} host routing`,
    c.encryption === 'none' ? '' : c.encryption,
  ]
    .filter(Boolean)
    .join(' · ');
}

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
  const cluster = useAppStore(selectCluster);
  const calico = useAppStore(selectCalicoConfig);
  const cilium = useAppStore(selectCiliumConfig);
  const outcome = useAppStore(selectWalk(cni));
  const config: WalkConfig = cni === 'calico' ? { cni, calico } : { cni, cilium };
  const scene = useMemo(
    () => (cluster ? buildScene(cluster, config) : null),
    // The scene depends on the cluster and this CNI's configuration only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cluster, cni === 'calico' ? calico : cilium],
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
        <p className="cni-mode" title={describeWalkConfig(config)}>
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
