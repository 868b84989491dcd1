/**
 * Each node's tables (compile.ts): its static and dispatch chains, and the shared chains and IP
 * sets it programs, which are those its chains reach (felix/iptables/table.go programs a chain
 * while something refers to it; a node only holds the policies of its own endpoints).
 */
import type { CalicoNodeTables, CalicoWorkload, IptChain, IptRule } from './dataplane';
import { BUILTIN, dispatchChains, staticChains } from './staticChains';

/** What a chain's rules reach through their jumps: chain names and the IP sets of them all. */
interface Reach {
  readonly names: readonly string[];
  readonly sets: readonly string[];
}
/**
 * The reach of endpoint chains' rules. A compile keeps a class's endpoint rules only while the
 * same policy objects apply to it (compile.ts), so the chains they reach hold the same rules: the
 * reach stands from compile to compile. (A group chain's does not: an edited policy in it keeps
 * its chain name, so the group's rules stay while what they reach changes.)
 */
const endpointReach = new WeakMap<readonly IptRule[], Reach>();

/**
 * `names` sorted (code unit order, as `sort()`), from `before`, the same node's sorted list in the
 * compile a recompile starts from: its names still there in its order, merged with the new ones
 * sorted alone, so that an edit sorts what it added rather than the node's thousands of chains.
 */
function sortedAfter(names: string[], before: readonly string[] | undefined): string[] {
  if (!before) return names.sort();
  const now = new Set(names);
  const kept = before.filter((n) => now.has(n));
  if (kept.length === names.length) return kept;
  const was = new Set(before);
  const added = names.filter((n) => !was.has(n)).sort();
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < kept.length || j < added.length) {
    if (j >= added.length || (i < kept.length && kept[i]! < added[j]!)) out.push(kept[i++]!);
    else out.push(added[j++]!);
  }
  return out;
}

export interface NodeTablesInput {
  /** Every node's name, sorted. */
  readonly nodes: readonly string[];
  readonly internalIP: (node: string) => string;
  /** The shared chains (endpoint, policy, group and profile chains). */
  readonly shared: Readonly<Record<string, IptChain>>;
  readonly workloads: Readonly<Record<string, CalicoWorkload>>;
  /** The tables of the compile a recompile starts from, and the nodes whose workloads' endpoint
   * chains changed since: the other nodes keep their tables. */
  readonly before?: Readonly<Record<string, CalicoNodeTables>>;
  readonly rebuilt?: ReadonlySet<string>;
  /** The workloads are those of `before` (a patch): a rebuilt node keeps its own chains, which
   * depend on its workloads' interfaces alone. */
  readonly sameWorkloads?: boolean;
}

/** A node's static and dispatch chains. */
function ownChains(local: readonly CalicoWorkload[]): Record<string, IptChain> {
  const chains = staticChains();
  const ifaces = local.map((w) => w.iface);
  for (const c of dispatchChains(ifaces, 'in')) chains[c.name] = c;
  for (const c of dispatchChains(ifaces, 'out')) chains[c.name] = c;
  return chains;
}

export function nodeTables(input: NodeTablesInput): Record<string, CalicoNodeTables> {
  const { shared, before, rebuilt } = input;
  const workloadsByNode = new Map<string, CalicoWorkload[]>();
  for (const w of Object.values(input.workloads)) {
    let onNode = workloadsByNode.get(w.node);
    if (!onNode) workloadsByNode.set(w.node, (onNode = []));
    onNode.push(w);
  }

  const reaches = new Map<readonly IptRule[], Reach>();
  const reachOf = (rules: readonly IptRule[]): Reach => {
    const known = reaches.get(rules);
    if (known) return known;
    const names = new Set<string>();
    const ipsets = new Set<string>();
    for (const r of rules) {
      for (const m of r.matches) if (m.kind === 'set') ipsets.add(m.set);
      if (r.action.kind !== 'jump' && r.action.kind !== 'goto') continue;
      const target = shared[r.action.target];
      if (!target || names.has(target.name)) continue;
      names.add(target.name);
      const below = reachOf(target.rules);
      for (const n of below.names) names.add(n);
      for (const s of below.sets) ipsets.add(s);
    }
    const reach = { names: [...names], sets: [...ipsets] };
    reaches.set(rules, reach);
    return reach;
  };

  // Per node: static and dispatch chains, then everything they reach.
  const nodes: Record<string, CalicoNodeTables> = {};
  for (const node of input.nodes) {
    const kept = before?.[node];
    if (kept && !rebuilt?.has(node)) {
      nodes[node] = kept;
      continue;
    }
    const local = workloadsByNode.get(node) ?? [];
    const chains = kept && input.sameWorkloads ? kept.chains : ownChains(local);
    // staticChains.ts `reachable`, with each shared chain's reach taken whole.
    const programmed = new Set<string>();
    const ipsets = new Set<string>();
    const merged = new Set<Reach>();
    const endpoints = new Set(local.flatMap((w) => [w.toChain, w.fromChain]));
    const todo = ['INPUT', 'FORWARD', 'OUTPUT'];
    while (todo.length > 0) {
      const name = todo.pop()!;
      if (programmed.has(name)) continue;
      const own = chains[name];
      if (own) {
        programmed.add(name);
        for (const r of own.rules) {
          for (const m of r.matches) if (m.kind === 'set') ipsets.add(m.set);
          if (r.action.kind === 'jump' || r.action.kind === 'goto') todo.push(r.action.target);
        }
        continue;
      }
      const chain = shared[name];
      if (!chain) continue;
      programmed.add(name);
      let reach = endpoints.has(name) ? endpointReach.get(chain.rules) : undefined;
      if (!reach) {
        reach = reachOf(chain.rules);
        if (endpoints.has(name)) endpointReach.set(chain.rules, reach);
      }
      // A class's pods on the node share their chains' rules: the reach counts once.
      if (merged.has(reach)) continue;
      merged.add(reach);
      for (const n of reach.names) programmed.add(n);
      for (const s of reach.sets) ipsets.add(s);
    }
    nodes[node] = {
      node,
      internalIP: input.internalIP(node),
      chains,
      programmed: sortedAfter(
        [...programmed].filter((n) => !BUILTIN.has(n)),
        kept?.programmed,
      ),
      ipsets: sortedAfter([...ipsets], kept?.ipsets),
      workloads: local.map((w) => w.pod),
    };
  }
  return nodes;
}
