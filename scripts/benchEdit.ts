/**
 * Issue 15: an edit of one policy in the app, as the policy worker handles it (engine/api.ts
 * `load`): the edited text loaded again, the objects the edit left as they were carried over
 * (engine/carryOver.ts), and both dataplanes recompiled from the previous engine; against the same
 * load and full compiles. CPU time; the carry-over as a share of the load it follows.
 */
import { carryOver } from '../src/engine/carryOver';
import type { Cluster } from '../src/engine/model';
import { loadManifests } from '../src/engine/parse/load';
import { createEngine } from '../src/engine/verdict';
import { cpuMs } from './benchClock';

const r1 = (n: number) => Math.round(n * 10) / 10;

/** The text with the first `port: N` after the middle changed to `port: 1`: one policy edited,
 * no line moved. */
function portEdit(text: string): string {
  const at = text.indexOf('port: ', text.length >> 1);
  const end = text.indexOf('\n', at);
  return `${text.slice(0, at)}port: 1${text.slice(end)}`;
}

export function editFigures(text: string, cluster: Cluster) {
  const edited = portEdit(text);
  const files = (t: string) => [{ name: 'bench.yaml', text: t }];
  const time = <T>(run: () => T) => {
    const t0 = cpuMs();
    const value = run();
    return { ms: cpuMs() - t0, value };
  };
  const previous = createEngine(cluster);
  previous.calico();
  previous.cilium();
  const load = time(() => loadManifests(files(edited)).cluster);
  const carried = time(() => carryOver(cluster, load.value));
  const engine = createEngine(carried.value, previous);
  const iptables = time(() => engine.calico());
  const ebpf = time(() => engine.cilium());
  const fresh = createEngine(load.value);
  const fullIptables = time(() => fresh.calico());
  const fullEbpf = time(() => fresh.cilium());
  const kept = (['k8sPolicies', 'ciliumPolicies', 'calicoPolicies'] as const).reduce(
    (n, k) => n + carried.value[k].filter((p, i) => p === cluster[k][i]).length,
    0,
  );
  return {
    policiesKept: kept,
    loadMs: r1(load.ms),
    carryOverMs: r1(carried.ms),
    carryOverPercentOfLoad: r1((100 * carried.ms) / load.ms),
    recompileMs: { iptables: r1(iptables.ms), ebpf: r1(ebpf.ms) },
    fullCompileMs: { iptables: r1(fullIptables.ms), ebpf: r1(fullEbpf.ms) },
    editToCompiledMs: r1(load.ms + carried.ms + iptables.ms + ebpf.ms),
    withoutCarryOverMs: r1(load.ms + fullIptables.ms + fullEbpf.ms),
  };
}
