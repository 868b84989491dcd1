/**
 * The models' part of `npm run bench` (issue 15): the verdict-only paths against a bare Map.get
 * measured in the same run, the compile of both models against the load, and a one-policy edit
 * recompiled incrementally against a full compile. Ratios only, with the figures behind them; the
 * targets are printed beside them, never asserted (no timed tests).
 */
import {
  type CalicoDataplane,
  compileCalico,
  recompileCalico,
} from '../src/engine/calico/iptables';
import { calicoModelVerdict, calicoVerdictIndex } from '../src/engine/calico/verdict';
import {
  type CiliumDataplane,
  ciliumModelVerdict,
  ciliumStats,
  ciliumVerdictIndex,
  compileCilium,
  recompileCilium,
} from '../src/engine/cilium/ebpf';
import type { Cluster, ResolvedProbe } from '../src/engine/model';
import { cpuMs } from './benchClock';

/** Runs `round` until at least `minMs` of CPU time have passed; nanoseconds per op (`ops` per
 * round). */
function nsPerOp(ops: number, round: () => void, minMs = 300): number {
  round(); // warm up
  let rounds = 0;
  const t0 = cpuMs();
  let elapsed = 0;
  while (elapsed < minMs) {
    round();
    rounds++;
    elapsed = cpuMs() - t0;
  }
  return (elapsed * 1e6) / (rounds * ops);
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A bare Map.get over `size` keys shaped like policy keys: one round of `probes` gets, the keys
 * drawn at random. The key is the policy key packed into one number (remote identity, direction,
 * protocol, port), as the model keys its own maps; a string key (`7/ingress/6/8080`) costs more
 * per get (hashing and comparing characters), which would make the floor easier to meet, so it
 * is printed beside it only for comparison.
 */
function mapGetRounds(size: number, probes: number) {
  const keys = Math.max(1, size);
  const packed = (id: number, i: number) => id * 2 ** 25 + (6 << 16) + 8000 + (i % 200);
  const text = (id: number, i: number) => `${id}/ingress/6/${8000 + (i % 200)}`;
  const numbers = new Map<number, number>();
  const strings = new Map<string, number>();
  for (let i = 0; i < keys; i++) {
    numbers.set(packed(i, i), i);
    strings.set(text(i, i), i);
  }
  let s = 7;
  const askedNumbers: number[] = [];
  const askedStrings: string[] = [];
  for (let i = 0; i < probes; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    askedNumbers.push(packed(s % keys, i));
    askedStrings.push(text(s % keys, i));
  }
  return {
    numberKey: () => {
      for (const k of askedNumbers) if (numbers.get(k) !== undefined) sink++;
    },
    stringKey: () => {
      for (const k of askedStrings) if (strings.get(k) !== undefined) sink++;
    },
    keys,
  };
}

let sink = 0;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * The machine is shared, so its speed drifts: the Map.get baselines and the verdicts are timed in
 * alternation, seven times, and each figure and ratio is the median of the seven.
 */
function alternate(
  ops: number,
  get: ReturnType<typeof mapGetRounds>,
  subject: () => void,
): { baseNs: number; stringKeyNs: number; subjectNs: number; ratio: number } {
  const base: number[] = [];
  const strings: number[] = [];
  const subj: number[] = [];
  const ratios: number[] = [];
  for (let k = 0; k < 7; k++) {
    const b = nsPerOp(ops, get.numberKey, 100);
    strings.push(nsPerOp(ops, get.stringKey, 100));
    const v = nsPerOp(ops, subject, 100);
    base.push(b);
    subj.push(v);
    ratios.push(v / b);
  }
  return {
    baseNs: median(base),
    stringKeyNs: median(strings),
    subjectNs: median(subj),
    ratio: median(ratios),
  };
}

export interface VerdictFigures {
  readonly index: { iptablesMs: number; ebpfMs: number };
  readonly ebpf: Record<string, number | string>;
  readonly iptables: Record<string, number | string>;
  readonly clock: string;
  readonly sink: number;
}

/** Compile of each model (with its verdict index) against the load of the same scenario. */
export function compileFigures(
  load: { first: number; settled: number },
  firstCompileMs: { iptables: number; ebpf: number },
  settledWithIndexMs: { iptables: number; ebpf: number },
  index: VerdictFigures['index'],
  calicoLazyIndexMs: number,
) {
  // First against first (both cold, in this process), settled against settled.
  const iptables = firstCompileMs.iptables + index.iptablesMs + calicoLazyIndexMs;
  const ebpf = firstCompileMs.ebpf + index.ebpfMs;
  return {
    iptablesWithIndexMs: r2(iptables),
    ebpfWithIndexMs: r2(ebpf),
    iptablesToLoad: r2(iptables / load.first),
    ebpfToLoad: r2(ebpf / load.first),
    calicoLazyIndexMs: r2(calicoLazyIndexMs),
    settledIptablesWithIndexMs: r2(settledWithIndexMs.iptables),
    settledEbpfWithIndexMs: r2(settledWithIndexMs.ebpf),
    settledIptablesToLoad: r2(settledWithIndexMs.iptables / load.settled),
    settledEbpfToLoad: r2(settledWithIndexMs.ebpf / load.settled),
    note: 'toLoad: the first compile against the first load; settled: best of six after it against the settled load',
    target: '<= 1',
  };
}

/** The verdict-only paths: time per verdict, lookups and rules per verdict, ratios to Map.get. */
export function verdictFigures(
  calico: CalicoDataplane,
  cilium: CiliumDataplane,
  probes: readonly ResolvedProbe[],
): VerdictFigures {
  let t = cpuMs();
  calicoVerdictIndex(calico);
  const iptablesMs = cpuMs() - t;
  t = cpuMs();
  ciliumVerdictIndex(cilium);
  const ebpfMs = cpuMs() - t;

  // Counted once, untimed: what each verdict costs in the model's own terms.
  const rules = { rules: 0 };
  const lookups = { lookups: 0 };
  for (const p of probes) {
    calicoModelVerdict(calico, p, {}, rules);
    ciliumModelVerdict(cilium, p, lookups);
  }
  const rulesPer = rules.rules / probes.length;
  const lookupsPer = lookups.lookups / probes.length;

  const get = mapGetRounds(ciliumStats(cilium).policyMapEntries, probes.length);
  const ebpf = alternate(probes.length, get, () => {
    for (const p of probes) if (ciliumModelVerdict(cilium, p)) sink++;
  });
  const iptables = alternate(probes.length, get, () => {
    for (const p of probes) if (calicoModelVerdict(calico, p)) sink++;
  });
  return {
    index: { iptablesMs: r2(iptablesMs), ebpfMs: r2(ebpfMs) },
    ebpf: {
      verdictsPerSecond: Math.round(1e9 / ebpf.subjectNs),
      nsPerVerdict: r2(ebpf.subjectNs),
      mapLookupsPerVerdict: r2(lookupsPer),
      bareMapGetNs: r2(ebpf.baseNs),
      bareMapKeys: get.keys,
      ratioToLookups: r2(ebpf.ratio / lookupsPer),
      stringKeyMapGetNs: r2(ebpf.stringKeyNs),
      target: '<= 3',
    },
    iptables: {
      verdictsPerSecond: Math.round(1e9 / iptables.subjectNs),
      nsPerVerdict: r2(iptables.subjectNs),
      rulesTestedPerVerdict: r2(rulesPer),
      nsPerRuleTested: r2(iptables.subjectNs / rulesPer),
      bareMapGetNs: r2(iptables.baseNs),
      ratioPerRuleToMapGet: r2(iptables.ratio / rulesPer),
      stringKeyMapGetNs: r2(iptables.stringKeyNs),
      target: '<= 3',
    },
    clock: 'process CPU time; Map.get keys are packed numbers',
    // Read so that no loop above is dead code.
    sink,
  };
}

/** The cluster with one policy edited as in the editor: the middle NetworkPolicy keeps its name and
 * namespace and takes the first one's spec. (Before 2026-12-03 it took the first one's name too,
 * which the loader refuses: two policies with one name.) */
function oneEdit(cluster: Cluster): Cluster {
  const list = [...cluster.k8sPolicies];
  const i = Math.floor(list.length / 2);
  const { ref, namespace, name } = list[i]!;
  list[i] = { ...list[0]!, ref, namespace, name };
  return { ...cluster, k8sPolicies: list };
}

const timed = <T>(run: () => T): { ms: number; value: T } => {
  const t0 = cpuMs();
  const value = run();
  return { ms: cpuMs() - t0, value };
};

/**
 * A one-policy edit recompiled from the previous compile, as a share of a full compile of the
 * edited cluster: an editing session that makes the edit, undoes it, makes it again, 40 times,
 * each recompile from the one before (the iptables model's patch takes over the compile it
 * patches). Each run gets its own copy of the cluster (nothing cached on it). Printed: the first
 * run (cold), the median of runs 2-10 (early: what the first edits of a session see, the code not
 * yet optimised) and of runs 21-40 (settled, as the full compile it is compared with, which is the
 * median of three after the bench's first).
 */
export function recompileFigures(
  cluster: Cluster,
  firstFullMs: { iptables: number; ebpf: number },
) {
  const next = oneEdit(cluster);
  const measure = <T>(
    recompile: (p: T, c: Cluster, n: Cluster) => T,
    compile: (c: Cluster) => T,
    firstMs: number,
  ) => {
    let previous = compile(cluster);
    let [from, to] = [cluster, next];
    // A recompile takes milliseconds: a collection of the bench's heap landing in one of them
    // weighs more than the recompile, so the figures are medians.
    const runs = Array.from({ length: 40 }, () => {
      const run = timed(() => recompile(previous, from, { ...to }));
      previous = run.value;
      [from, to] = [to, from];
      return run.ms;
    });
    const full = median([0, 1, 2].map(() => timed(() => compile({ ...next })).ms));
    const early = median(runs.slice(1, 10));
    const warm = median(runs.slice(20));
    return {
      recompileColdMs: r2(runs[0]!),
      recompileEarlyMs: r2(early),
      recompileMs: r2(warm),
      fullCompileMs: r2(full),
      firstFullCompileMs: r2(firstMs),
      percentOfFull: r2((100 * warm) / full),
      earlyPercentOfFull: r2((100 * early) / full),
      target: '<= 5',
    };
  };
  return {
    ebpf: measure(recompileCilium, compileCilium, firstFullMs.ebpf),
    iptables: measure(recompileCalico, compileCalico, firstFullMs.iptables),
  };
}
