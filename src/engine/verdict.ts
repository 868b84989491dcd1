/**
 * Verdicts per CNI: each CNI's reference evaluator (the oracle, written to read like the specs) and
 * its compiled dataplane model (Felix's iptables rules; Cilium's eBPF maps), which must agree.
 *
 * Which CNI enforces what: Kubernetes NetworkPolicy both; CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy only Cilium; Calico's own kinds only Calico. Each evaluator reads
 * only its own dialects from the cluster, so one cluster holding all three answers per CNI.
 */
import { ciliumReferenceDecision } from './cilium/reference';
import {
  compileCilium,
  ciliumModelDecision,
  recompileCilium,
  type CiliumDataplane,
} from './cilium/ebpf';
import { calicoReferenceDecision } from './calico/reference';
import {
  compileCalico,
  calicoModelDecision,
  recompileCalico,
  type CalicoDataplane,
} from './calico/iptables';
import { podKey } from './cluster';
import type { Cluster, Cni, Decision, ModelDecision, Probe, ResolvedProbe } from './model';
import { resolveProbe, specCase, specCaseDecision } from './probe';

export interface CniVerdict {
  readonly cni: Cni;
  /** The CNI's verdict: the reference evaluator's answer. */
  readonly allowed: boolean;
  readonly reason: string;
  readonly reference: Decision;
  readonly model: ModelDecision;
  /** False only when the two paths disagree: a bug in PacketWalk, shown as such. */
  readonly agree: boolean;
}

export interface ProbeVerdict {
  readonly probe: Probe;
  readonly resolved: ResolvedProbe;
  readonly calico: CniVerdict;
  readonly cilium: CniVerdict;
}

/** A cluster with both dataplanes compiled once (when first asked), ready for many probes. */
export interface Engine {
  readonly cluster: Cluster;
  calico(): CalicoDataplane;
  cilium(): CiliumDataplane;
  /** The dataplanes compiled so far. */
  compiled(): { calico?: CalicoDataplane; cilium?: CiliumDataplane };
}

/**
 * With `previous` (the engine of the scenario before an edit, see carryOver.ts), each dataplane
 * `previous` had compiled is recompiled from it when first asked for, instead of compiled anew.
 * The iptables recompile may take over the previous dataplane: `previous` is not to be used again.
 */
export function createEngine(cluster: Cluster, previous?: Engine): Engine {
  const was = previous?.compiled();
  const before = previous?.cluster;
  const calico = once(() =>
    was?.calico && before ? recompileCalico(was.calico, before, cluster) : compileCalico(cluster),
  );
  const cilium = once(() =>
    was?.cilium && before ? recompileCilium(was.cilium, before, cluster) : compileCilium(cluster),
  );
  return {
    cluster,
    calico: calico.get,
    cilium: cilium.get,
    compiled: () => ({ calico: calico.made(), cilium: cilium.made() }),
  };
}

/** A value made when first asked for; the maker (and what it holds of a previous engine) is
 * dropped once it has run, so engines never hold a chain of their predecessors. */
function once<T>(make: () => T): { get: () => T; made: () => T | undefined } {
  let value: T | undefined;
  let maker: (() => T) | undefined = make;
  return {
    get: () => {
      if (maker) {
        value = maker();
        maker = undefined;
      }
      return value!;
    },
    made: () => value,
  };
}

/**
 * Cases the NetworkPolicy spec settles before any policy, for both CNIs alike. Returns null when the
 * policies decide.
 */
function specShortcut(probe: ResolvedProbe): Decision | null {
  const c = specCase(probe);
  return (
    c &&
    specCaseDecision(
      c,
      'A pod talking to its own address never leaves its network namespace, so no CNI hook sees it; the NetworkPolicy spec also says a pod cannot block access to itself.',
      // Felix configuration reference, DefaultEndpointToHostAction: workload-to-host traffic is
      // judged "after the traffic hits the endpoint egress policy"; Cilium applies egress policy to
      // the `host` entity. PacketWalk shows the spec's verdict, as issue #3 asks.
      'Real releases differ here: Calico runs the pod’s egress policy and then DefaultEndpointToHostAction on pod-to-own-node traffic, and Cilium needs an egress rule allowing the host entity once egress is enforced.',
    )
  );
}

function cniVerdict(cni: Cni, reference: Decision, model: ModelDecision): CniVerdict {
  return {
    cni,
    allowed: reference.allowed,
    reason: reference.reason,
    reference,
    model,
    agree: reference.allowed === model.allowed,
  };
}

export type VerdictResult = { ok: true; verdict: ProbeVerdict } | { ok: false; error: string };

export function evaluateProbe(engine: Engine, probe: Probe): VerdictResult {
  const r = resolveProbe(engine.cluster, probe);
  if (!r.ok) return r;
  const resolved = r.probe;
  const shortcut = specShortcut(resolved);
  if (shortcut) {
    const model: ModelDecision = { ...shortcut, decidedAt: 'no hook', cost: 0, trace: [] };
    return {
      ok: true,
      verdict: {
        probe,
        resolved,
        calico: cniVerdict('calico', shortcut, model),
        cilium: cniVerdict('cilium', shortcut, model),
      },
    };
  }
  return {
    ok: true,
    verdict: {
      probe,
      resolved,
      calico: cniVerdict(
        'calico',
        calicoReferenceDecision(engine.cluster, resolved),
        calicoModelDecision(engine.calico(), resolved),
      ),
      cilium: cniVerdict(
        'cilium',
        ciliumReferenceDecision(engine.cluster, resolved),
        ciliumModelDecision(engine.cilium(), resolved),
      ),
    },
  };
}

/**
 * The default probe set: every ordered pair of distinct pods, for every port and protocol the
 * destination declares, in manifest order.
 */
export function defaultProbes(cluster: Cluster): Probe[] {
  const probes: Probe[] = [];
  for (const src of cluster.pods) {
    for (const dst of cluster.pods) {
      if (src === dst) continue;
      const seen = new Set<string>();
      for (const p of dst.ports) {
        const key = `${p.protocol}/${p.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        probes.push({
          from: { pod: podKey(src) },
          to: { pod: podKey(dst) },
          port: p.port,
          protocol: p.protocol,
        });
      }
    }
  }
  return probes;
}
