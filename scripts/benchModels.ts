/**
 * The models' part of `npm run bench` (issue 15): the verdict-only paths against a bare Map.get
 * measured in the same run, the compile of both models against the load, and a one-policy edit
 * recompiled incrementally against a full compile. Ratios only, with the figures behind them; the
 * targets are printed beside them, never asserted (no timed tests).
 */
import { performance } from 'node:perf_hooks';
import type { CalicoDataplane } from '../src/engine/calico/iptables';
import { calicoModelVerdict, calicoVerdictIndex } from '../src/engine/calico/verdict';
import {
  type CiliumDataplane,
  ciliumModelVerdict,
  ciliumStats,
  ciliumVerdictIndex,
} from '../src/engine/cilium/ebpf';
import type { ResolvedProbe } from '../src/engine/model';

/** Runs `round` until at least `minMs` have passed; nanoseconds per op (`ops` per round). */
function nsPerOp(ops: number, round: () => void, minMs = 300): number {
  round(); // warm up
  let rounds = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    round();
    rounds++;
    elapsed = performance.now() - t0;
  }
  return (elapsed * 1e6) / (rounds * ops);
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/** A bare Map.get over `size` keys shaped like policy keys; ns per get. */
export function mapGetNs(size: number, probes: number): { ns: number; keys: number; hits: number } {
  const keys = Math.max(1, size);
  const map = new Map<string, number>();
  for (let i = 0; i < keys; i++) map.set(`${i}/ingress/6/${8000 + (i % 200)}`, i);
  let s = 7;
  const asked: string[] = [];
  for (let i = 0; i < probes; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    asked.push(`${s % keys}/ingress/6/${8000 + (i % 200)}`);
  }
  let hits = 0;
  const ns = nsPerOp(asked.length, () => {
    for (const k of asked) if (map.get(k) !== undefined) hits++;
  });
  return { ns, keys, hits };
}

export interface VerdictFigures {
  readonly index: { iptablesMs: number; ebpfMs: number };
  readonly ebpf: Record<string, number | string>;
  readonly iptables: Record<string, number | string>;
  readonly sink: number;
}

/** Compile of each model (with its verdict index) against the load of the same scenario. */
export function compileFigures(
  loadMs: number,
  iptablesMs: number,
  ebpfMs: number,
  index: VerdictFigures['index'],
) {
  const iptables = iptablesMs + index.iptablesMs;
  const ebpf = ebpfMs + index.ebpfMs;
  return {
    iptablesWithIndexMs: r2(iptables),
    ebpfWithIndexMs: r2(ebpf),
    iptablesToLoad: r2(iptables / loadMs),
    ebpfToLoad: r2(ebpf / loadMs),
    target: '<= 1',
  };
}

/** The verdict-only paths: time per verdict, lookups and rules per verdict, ratios to Map.get. */
export function verdictFigures(
  calico: CalicoDataplane,
  cilium: CiliumDataplane,
  probes: readonly ResolvedProbe[],
): VerdictFigures {
  let t = performance.now();
  calicoVerdictIndex(calico);
  const iptablesMs = performance.now() - t;
  t = performance.now();
  ciliumVerdictIndex(cilium);
  const ebpfMs = performance.now() - t;

  // Counted once, untimed: what each verdict costs in the model's own terms.
  const rules = { rules: 0 };
  const lookups = { lookups: 0 };
  for (const p of probes) {
    calicoModelVerdict(calico, p, {}, rules);
    ciliumModelVerdict(cilium, p, lookups);
  }
  const rulesPer = rules.rules / probes.length;
  const lookupsPer = lookups.lookups / probes.length;

  let allowed = 0;
  const ebpfNs = nsPerOp(probes.length, () => {
    for (const p of probes) if (ciliumModelVerdict(cilium, p)) allowed++;
  });
  const iptablesNs = nsPerOp(probes.length, () => {
    for (const p of probes) if (calicoModelVerdict(calico, p)) allowed++;
  });
  const get = mapGetNs(ciliumStats(cilium).policyMapEntries, probes.length);
  return {
    index: { iptablesMs: r2(iptablesMs), ebpfMs: r2(ebpfMs) },
    ebpf: {
      verdictsPerSecond: Math.round(1e9 / ebpfNs),
      nsPerVerdict: r2(ebpfNs),
      mapLookupsPerVerdict: r2(lookupsPer),
      bareMapGetNs: r2(get.ns),
      bareMapKeys: get.keys,
      ratioToLookups: r2(ebpfNs / (lookupsPer * get.ns)),
      target: '<= 3',
    },
    iptables: {
      verdictsPerSecond: Math.round(1e9 / iptablesNs),
      nsPerVerdict: r2(iptablesNs),
      rulesTestedPerVerdict: r2(rulesPer),
      nsPerRuleTested: r2(iptablesNs / rulesPer),
      ratioPerRuleToMapGet: r2(iptablesNs / rulesPer / get.ns),
      target: '<= 3',
    },
    // Read so that no loop above is dead code.
    sink: allowed + get.hits,
  };
}
