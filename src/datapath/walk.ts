/**
 * walk(engine, config, packet): the exact ordered hops a packet takes through a cluster under one
 * CNI configuration, with the real names of everything it touches, ending delivered or dropped with
 * the reason in the CNI's own words. Policy is never decided here: the hops run the engine's
 * compiled dataplanes (Felix's chains, Cilium's maps), and the reference evaluator's verdict is
 * checked against the walk's.
 */
import { explainCni, explanationText } from '../engine/explain';
import type { Cni, Probe } from '../engine/model';
import { evaluateProbe, type Engine } from '../engine/verdict';
import { walkCalico, type CniWalk } from './calicoWalk';
import { walkCilium } from './ciliumWalk';
import { formatIcmp } from '../engine/probe';
import type { CalicoConfig, CiliumConfig, WalkConfig } from './config';
import type { Hop } from './hop';
import { effectiveWalkConfig } from './options';
import { l4Header, makeHop } from './hops';
import { place } from './place';
import { connectionOf } from './reply';
import { probeOf, resolvePacket, targetName, type PacketSpec, type ResolvedPacket } from './packet';

/** How a walk ends: the one outcome type of walks, lesson claims and checkpoints. */
export type WalkVerdict = 'delivered' | 'dropped';
export const WALK_VERDICTS: readonly WalkVerdict[] = ['delivered', 'dropped'];

export interface WalkResult {
  readonly cni: Cni;
  readonly config: CalicoConfig | CiliumConfig;
  readonly verdict: WalkVerdict;
  readonly dropReason?: string;
  readonly hops: readonly Hop[];
  /** One line: who sends what to whom. */
  readonly title: string;
  /** The pod MTU this configuration leaves (host MTU 1500 minus encapsulation overheads). */
  readonly podMtu: number;
  /** Things worth a sentence: name clashes, what a CNI ignores, a disagreement of the engine's paths. */
  readonly notes: readonly string[];
  /** The connection the walk judged (a Service resolved to its backend), for a fix; not for replies. */
  readonly probe?: Probe;
  /** Why this CNI allowed or dropped the connection, in one or two sentences (engine/explain.ts). */
  readonly why?: string;
}

export const resultConfig = (r: WalkResult): WalkConfig =>
  r.cni === 'calico'
    ? { cni: 'calico', calico: r.config as CalicoConfig }
    : { cni: 'cilium', cilium: r.config as CiliumConfig };

function runCni(engine: Engine, config: WalkConfig, p: ResolvedPacket): CniWalk {
  return config.cni === 'calico'
    ? walkCalico(engine.cluster, engine.calico(), config.calico, p)
    : walkCilium(engine, config.cilium, p);
}

function title(p: ResolvedPacket, spec: PacketSpec): string {
  const svc = p.service
    ? ` via Service ${p.service.service.namespace}/${p.service.service.name} (${p.flow.dst}:${p.flow.dport})`
    : '';
  const http = p.http ? ` ${p.http.method} ${p.http.path}` : '';
  const carried = p.icmp
    ? `${formatIcmp(p.icmp)}${p.icmpToService ? ` to the ClusterIP of ${p.icmpToService.namespace}/${p.icmpToService.name}` : ''}`
    : `${p.dport}/${p.protocol}`;
  const what = `${spec.from} → ${targetName(p.target)}${svc}, ${carried}${http}`;
  return p.reply ? `Reply of the established connection ${what}` : what;
}

/** Throws WalkInputError when the packet does not make sense for the cluster. */
export function walk(engine: Engine, chosen: WalkConfig, packet: PacketSpec): WalkResult {
  // An option that cannot take effect in this configuration walks as the CNI would run it (e.g.
  // BPF masquerade without kube-proxy replacement: the options registry's `inactive` value).
  const config = effectiveWalkConfig(chosen);
  const p = resolvePacket(engine.cluster, packet);
  const cni = config.cni;
  const cniConfig = config.cni === 'calico' ? config.calico : config.cilium;
  const base = { cni, config: cniConfig, title: title(p, packet) };

  if (p.reply) {
    const forward = runCni(engine, config, { ...p, reply: false });
    if (forward.log.dropped || !p.target) {
      const reason = `no established connection to reply on: the request was dropped (${forward.log.dropReason ?? 'no backend'})`;
      const server =
        p.target && p.target.kind !== 'external' ? p.target.node.name : p.clientNode.name;
      const { reply } = connectionOf(p);
      return {
        ...base,
        verdict: 'dropped',
        dropReason: reason,
        hops: [
          makeHop({
            stage: 'dropped',
            node: server,
            place: place.node(server),
            where: 'conntrack',
            table: 'conntrack',
            match: 'no entry: the request never got through',
            headers: [l4Header(reply)],
            explanation: `There is nothing to reply to: the request was dropped (${forward.log.dropReason ?? 'the Service has no backend'}), so no connection was ever established and no reply exists. A packet sent this way anyway would be a new connection, judged by policy like any other.`,
          }),
        ],
        podMtu: forward.podMtu,
        notes: [...forward.notes, 'Walk the request without --reply to see where it was dropped.'],
      };
    }
  }

  const result = runCni(engine, config, p);
  const notes = [...result.notes];
  const probe = probeOf(p);
  let why: string | undefined;
  if (probe && !p.reply) {
    const v = evaluateProbe(engine, probe);
    if (v.ok) {
      why = explanationText(explainCni(v.verdict, cni));
      const ref = v.verdict[cni];
      // Compare only when the walk ended on policy (or not at all): a routing or L7 end says
      // nothing about the L3/L4 verdict.
      if (!result.log.dropped || isPolicyDrop(result.log.dropReason)) {
        const walkedAllowed = !result.log.dropped;
        if (ref.allowed !== walkedAllowed)
          notes.push(
            `PacketWalk bug: the reference evaluator says ${ref.allowed ? 'allow' : 'deny'} (${ref.reason}) but the dataplane walk says ${walkedAllowed ? 'allow' : 'deny'}.`,
          );
      }
      notes.push(...ref.reference.notes);
    }
  }
  return {
    ...base,
    verdict: result.log.dropped ? 'dropped' : 'delivered',
    ...(result.log.dropReason !== undefined ? { dropReason: result.log.dropReason } : {}),
    hops: result.log.hops,
    podMtu: result.podMtu,
    notes: [...new Set(notes)],
    ...(probe && !p.reply ? { probe } : {}),
    ...(why !== undefined ? { why } : {}),
  };
}

/** Drops decided by network policy (as opposed to routing, no backend, L7). */
export function isPolicyDrop(reason: string | undefined): boolean {
  if (!reason) return false;
  return (
    /^cali-/.test(reason) ||
    reason.startsWith('denied by the policy program') ||
    reason.startsWith('Policy denied')
  );
}
