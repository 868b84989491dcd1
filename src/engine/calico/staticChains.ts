/** The static chains (felix/rules/static.go), the interface dispatch chains (felix/rules/dispatch.go)
 * and which chains a node programs (those something refers to). */
import type { IptChain, IptRule } from './dataplane';
import { ALL_CALICO_MARK_BITS, DEFAULT_ENDPOINT_TO_HOST_ACTION } from './felixConfig';
import { CHAIN, endpointChainName } from './names';
import {
  ACCEPT,
  clearMark,
  DROP,
  goto,
  jump,
  M,
  markClear,
  markSet,
  RETURN,
  rule,
  setMark,
} from './ruleBuilders';

export const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT']);

export function reachable(
  roots: string[],
  local: Record<string, IptChain>,
  shared: Map<string, IptChain>,
): string[] {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    const chain = local[name] ?? shared.get(name);
    if (!chain) continue;
    seen.add(name);
    for (const r of chain.rules) {
      if (r.action.kind === 'jump' || r.action.kind === 'goto') todo.push(r.action.target);
    }
  }
  return [...seen];
}

/** static.go, for the default configuration. */
export function staticChains(): Record<string, IptChain> {
  const accepted = 'Policy explicitly accepted packet.';
  const chains: IptChain[] = [
    // Felix inserts its jump at the top of each built-in chain and appends the accept rules to
    // FORWARD (StaticFilterForwardAppendRules); other rules there (kube-proxy…) are not modelled.
    { name: 'INPUT', rules: [rule([], jump(CHAIN.input))] },
    {
      name: 'FORWARD',
      rules: [
        rule([], jump(CHAIN.forward)),
        rule([markSet(M.accept)], ACCEPT, [accepted]),
        rule([], setMark(M.accept)),
      ],
    },
    { name: 'OUTPUT', rules: [rule([], jump(CHAIN.output))] },
    {
      name: CHAIN.forward,
      rules: [
        rule([], clearMark(ALL_CALICO_MARK_BITS & ~M.accept)),
        rule([markClear(M.accept)], jump(CHAIN.fromHostEndpointForward)),
        rule([{ kind: 'iface', dir: 'in', name: 'cali+' }], jump(CHAIN.fromWorkloadDispatch)),
        rule([{ kind: 'iface', dir: 'out', name: 'cali+' }], jump(CHAIN.toWorkloadDispatch)),
        rule([], jump(CHAIN.toHostEndpointForward)),
        rule([], jump(CHAIN.cidrBlock)),
      ],
    },
    {
      name: CHAIN.input,
      rules: [
        rule([{ kind: 'iface', dir: 'in', name: 'cali+' }], goto(CHAIN.workloadToHost)),
        rule([markSet(M.accept)], ACCEPT),
        rule([], clearMark(ALL_CALICO_MARK_BITS)),
        rule([], jump(CHAIN.fromHostEndpoint)),
        rule([markSet(M.accept)], ACCEPT, ['Host endpoint policy accepted packet.']),
      ],
    },
    {
      name: CHAIN.workloadToHost,
      rules: [
        rule([], jump(CHAIN.fromWorkloadDispatch)),
        rule(
          [],
          DEFAULT_ENDPOINT_TO_HOST_ACTION === 'ACCEPT' ? ACCEPT : DROP,
          ['Configured DefaultEndpointToHostAction'],
          {
            kind: 'endpoint-to-host',
          },
        ),
      ],
    },
    {
      name: CHAIN.output,
      rules: [
        rule([markSet(M.accept)], ACCEPT),
        // "We don't currently police host -> endpoint according to the endpoint's ingress policy."
        rule([{ kind: 'iface', dir: 'out', name: 'cali+' }], RETURN, [], {
          kind: 'host-to-workload',
        }),
        rule([], clearMark(ALL_CALICO_MARK_BITS)),
        rule([{ kind: 'ctstate', states: ['DNAT'], negate: true }], jump(CHAIN.toHostEndpoint)),
        rule([markSet(M.accept)], ACCEPT, ['Host endpoint policy accepted packet.']),
      ],
    },
    // Host endpoint dispatch chains with no host endpoints, and the service-loop block chain.
    { name: CHAIN.fromHostEndpointForward, rules: [] },
    { name: CHAIN.toHostEndpointForward, rules: [] },
    { name: CHAIN.fromHostEndpoint, rules: [] },
    { name: CHAIN.toHostEndpoint, rules: [] },
    { name: CHAIN.cidrBlock, rules: [] },
  ];
  return Object.fromEntries(chains.map((c) => [c.name, c]));
}

/** dispatch.go: a shallow tree of chains keyed on the interface name's next character. */
export function dispatchChains(ifaces: readonly string[], dir: 'in' | 'out'): IptChain[] {
  const root = dir === 'in' ? CHAIN.fromWorkloadDispatch : CHAIN.toWorkloadDispatch;
  const endpointChain = (iface: string) =>
    endpointChainName(dir === 'in' ? 'egress' : 'ingress', iface);
  const unknown = () => rule([], DROP, ['Unknown interface'], { kind: 'unknown-interface' });
  const names = [...new Set(ifaces)].sort();
  const common = commonPrefix(names);
  const bins = new Map<string, string[]>();
  for (const name of names) {
    const prefix = name.length > common.length ? name.slice(0, common.length + 1) : common;
    const bin = bins.get(prefix);
    if (bin) bin.push(name);
    else bins.set(prefix, [name]);
  }
  const children: IptChain[] = [];
  const rootRules: IptRule[] = [];
  for (const [prefix, members] of bins) {
    if (members.length > 1) {
      const child = `${root}-${prefix.slice(common.length)}`;
      rootRules.push(rule([{ kind: 'iface', dir, name: `${prefix}+` }], goto(child)));
      children.push({
        name: child,
        rules: [
          ...members.map((m) => rule([{ kind: 'iface', dir, name: m }], goto(endpointChain(m)))),
          unknown(),
        ],
      });
    } else {
      rootRules.push(
        rule([{ kind: 'iface', dir, name: members[0]! }], goto(endpointChain(members[0]!))),
      );
    }
  }
  rootRules.push(unknown());
  return [...children, { name: root, rules: rootRules }];
}

function commonPrefix(names: readonly string[]): string {
  if (names.length === 0) return '';
  let prefix = names[0]!;
  for (const n of names) {
    let i = 0;
    while (i < prefix.length && i < n.length && prefix[i] === n[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}
