/**
 * `cli iptables-save FILE.yaml [--node NODE] [--ipsets]`: the Felix rules the iptables model compiled,
 * as `iptables-save` prints them. `cli bpf-maps FILE.yaml [--endpoint NS/POD]`: the identities,
 * ipcache and per-endpoint policy maps the eBPF model filled, as the cilium CLI lists them.
 */
import { compileCalico, iptablesSave } from '../engine/calico/iptables';
import { compileCilium, dumpCiliumMaps } from '../engine/cilium/ebpf';
import { indexCluster } from '../engine/cluster';
import { CliError, parseArgs, type Io } from './io';
import { loadCluster } from './load';

export function runIptablesSave(args: readonly string[], io: Io): number {
  const { positional, flags, options } = parseArgs(args, { flags: ['ipsets'], options: ['node'] });
  if (positional.length !== 1) {
    throw new CliError(['usage: cli iptables-save FILE.yaml [--node NODE] [--ipsets]']);
  }
  const { cluster } = loadCluster(positional[0]!, io);
  const node = options.get('node');
  if (node !== undefined && !indexCluster(cluster).nodeByName.has(node)) {
    throw new CliError([
      `--node: unknown node "${node}" (nodes: ${cluster.nodes.map((n) => n.name).join(', ')})`,
    ]);
  }
  io.out(
    iptablesSave(compileCalico(cluster), {
      ...(node ? { node } : {}),
      ipsets: flags.has('ipsets'),
    }),
  );
  return 0;
}

export function runBpfMaps(args: readonly string[], io: Io): number {
  const { positional, options } = parseArgs(args, { flags: [], options: ['endpoint'] });
  if (positional.length !== 1)
    throw new CliError(['usage: cli bpf-maps FILE.yaml [--endpoint NS/POD]']);
  const { cluster } = loadCluster(positional[0]!, io);
  const endpoint = options.get('endpoint');
  if (endpoint !== undefined && !indexCluster(cluster).podByKey.has(endpoint)) {
    throw new CliError([`--endpoint: unknown pod "${endpoint}" (expected namespace/name)`]);
  }
  io.out(dumpCiliumMaps(compileCilium(cluster), endpoint ? { endpoint } : {}));
  return 0;
}
