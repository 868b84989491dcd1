/**
 * The iptables model's walk: which chains a packet passes, what it counts, and what it reports.
 */
import { describe, expect, it } from 'vitest';
import { formatTrace, type TraceEvent } from '../trace';
import { calicoModelDecision, compileCalico } from './iptables';
import { calicoInterfaceName } from './names';
import { calicoReferenceDecision } from './reference';
import { calicoPolicy, cluster, pod, probe } from './testkit';

const web = pod('shop/web', { ip: '10.244.1.5', node: 'node-1', labels: { app: 'web' } });
const api = pod('shop/api', { ip: '10.244.1.6', node: 'node-1', labels: { app: 'api' } });
const db = pod('shop/db', { ip: '10.244.2.6', node: 'node-2', labels: { app: 'db' } });
const denyDbEgress = calicoPolicy('shop/db-out', {
  selector: "app == 'db'",
  types: ['egress'],
});
const c = cluster({ pods: [web, api, db], calicoPolicies: [denyDbEgress] });
const dp = compileCalico(c);

describe('the walk', () => {
  it('tests every rule it passes, conntrack rules included, and traces each one', () => {
    const d = calicoModelDecision(dp, probe(c, 'shop/web', 'shop/db', 5432));
    expect(d.allowed).toBe(true);
    expect(d.cost).toBe(d.trace.length);
    expect(dp.countsConntrackRules).toBe(true);
    const fw = `cali-fw-${calicoInterfaceName('shop', 'web')}`;
    const tw = `cali-tw-${calicoInterfaceName('shop', 'db')}`;
    const conntrack = '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT';
    for (const [node, chain] of [
      ['node-1', fw],
      ['node-2', tw],
    ] as const) {
      expect(d.trace).toContainEqual({
        kind: 'rule',
        node,
        table: 'filter',
        chain,
        index: 1,
        rule: conntrack,
        result: 'no-match',
        action: 'accept',
      });
    }
    // The one formatter prints an event the way the trace has always read.
    expect(formatTrace(d.trace)).toContain(`node-1 ${fw} #1 ${conntrack}: no match`);
    const chainOf = (e: TraceEvent) => (e.kind === 'rule' ? e.chain : '');
    // Egress is judged on the source node before ingress on the destination node.
    expect(d.trace.findIndex((e) => chainOf(e) === fw)).toBeLessThan(
      d.trace.findIndex((e) => chainOf(e) === tw),
    );
    expect(d.decidedAt).toBe(
      'FORWARD rule 2: -m comment --comment "Policy explicitly accepted packet." -m mark --mark 0x10000/0x10000 -j ACCEPT (node-2)',
    );
  });

  it('same-node traffic runs egress and ingress in one FORWARD pass', () => {
    const d = calicoModelDecision(dp, probe(c, 'shop/web', 'shop/api', 80));
    expect(d.allowed).toBe(true);
    expect(d.trace.every((e) => e.kind === 'rule' && e.node === 'node-1')).toBe(true);
    expect(
      d.trace.some(
        (e) => e.kind === 'rule' && e.chain === `cali-tw-${calicoInterfaceName('shop', 'api')}`,
      ),
    ).toBe(true);
    expect(d.egress?.allowed).toBe(true);
    expect(d.ingress?.allowed).toBe(true);
  });

  it('a packet of an established connection is accepted by the first conntrack rule', () => {
    const p = probe(c, 'shop/db', 'shop/web', 80);
    const fresh = calicoModelDecision(dp, p);
    const established = calicoModelDecision(dp, p, { conntrack: 'established' });
    expect(fresh.allowed).toBe(false);
    expect(established.allowed).toBe(true);
    expect(established.decidedAt).toContain('-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
    expect(established.cost).toBeLessThan(fresh.cost);
  });

  it("a pod's packet to its own node runs its egress policy, then DefaultEndpointToHostAction", () => {
    const toOwnNode = probe(c, 'shop/web', 'ip:192.168.1.10', 22);
    const d = calicoModelDecision(dp, toOwnNode);
    expect(d.allowed).toBe(true);
    expect(d.decidedAt).toContain('Configured DefaultEndpointToHostAction');
    expect(calicoReferenceDecision(c, toOwnNode).allowed).toBe(true);
    const dbToOwnNode = probe(c, 'shop/db', 'ip:192.168.1.11', 22);
    expect(calicoModelDecision(dp, dbToOwnNode).allowed).toBe(false);
    expect(calicoReferenceDecision(c, dbToOwnNode).allowed).toBe(false);
  });

  it('names the deciding rule of a drop and the policy behind it', () => {
    const d = calicoModelDecision(dp, probe(c, 'shop/db', 'ip:8.8.8.8', 443));
    expect(d.allowed).toBe(false);
    expect(d.decidedAt).toMatch(
      /^cali-fw-cali[0-9a-f]{11} rule \d+: .*"End of tier default\. Drop if no policies passed packet".* -j DROP \(node-2\)$/,
    );
    expect(d.egress?.policy).toBe('NetworkPolicy shop/db-out');
    expect(d.reason).toContain('Tier default');
    expect(d.notes.join(' ')).toContain('a rule-less policy denies');
  });
});
