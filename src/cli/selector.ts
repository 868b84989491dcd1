/**
 * `cli selector EXPR FILE.yaml [--kind calico|k8s] [--json]`: which pods a selector matches.
 * Calico syntax (the default) is matched against the labels Calico gives a workload endpoint (the pod's
 * labels plus the ones Calico adds); `k8s` takes the `kubectl get -l` string form over pod labels.
 */
import { calicoEndpointLabels } from '../engine/calico/labels';
import { compileSelector, parseCalicoSelector } from '../engine/calico/selector';
import { podKey } from '../engine/cluster';
import type { Cluster, Pod } from '../engine/model';
import { formatLabelSelector, matchesLabelSelector } from '../engine/labels';
import { parseKubectlSelector } from '../engine/labelString';
import { CliError, parseArgs, type Io } from './io';
import { loadCluster } from './load';

export function runSelector(args: readonly string[], io: Io): number {
  const { positional, flags, options } = parseArgs(args, { flags: ['json'], options: ['kind'] });
  if (positional.length !== 2) {
    throw new CliError(['usage: cli selector EXPR FILE.yaml [--kind calico|k8s] [--json]']);
  }
  const [expr, file] = positional as [string, string];
  const kind = options.get('kind') ?? 'calico';
  if (kind !== 'calico' && kind !== 'k8s') {
    throw new CliError([`--kind must be calico or k8s, not "${kind}"`]);
  }
  // The selector is checked before the file is read, so its error is not lost among warnings.
  let canonical: string;
  let matchPod: (cluster: Cluster, pod: Pod) => boolean;
  if (kind === 'calico') {
    const r = parseCalicoSelector(expr);
    if (!r.ok) {
      throw new CliError([`<selector>:1:${r.column}: error: invalid Calico selector: ${r.error}`]);
    }
    canonical = r.selector.canonical;
    const match = compileSelector(r.selector.ast);
    matchPod = (cluster, pod) => match(calicoEndpointLabels(cluster, pod));
  } else {
    const r = parseKubectlSelector(expr);
    if (!r.ok) {
      throw new CliError([`<selector>:1:${r.column}: error: invalid label selector: ${r.error}`]);
    }
    canonical = formatLabelSelector(r.selector);
    matchPod = (_, pod) => matchesLabelSelector(pod.labels, r.selector);
  }
  const { cluster } = loadCluster(file, io, { quietWarnings: flags.has('json') });
  const matches = cluster.pods.filter((p) => matchPod(cluster, p)).map(podKey);
  if (flags.has('json')) {
    io.out(JSON.stringify({ selector: expr, canonical, matches }));
  } else {
    io.out(`selector:  ${expr}`);
    io.out(`canonical: ${canonical}`);
    io.out(matches.length > 0 ? `matches ${matches.length} pod(s):` : 'matches no pod');
    for (const m of matches) io.out(`  ${m}`);
  }
  return 0;
}
