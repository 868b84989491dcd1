/**
 * A Calico iptables hop titled by one chain lists rows from FORWARD, cali-FORWARD, the dispatch,
 * endpoint, policy and profile chains: each row carries its chain as data (HopRow.chain).
 */
import { describe, expect, it } from 'vitest';
import { calicoVethName } from './naming';
import { walk } from './walk';
import { calico, engineFor } from '../test/scenarios';

describe('Calico iptables hop rows carry their chain', () => {
  it('labels every row of a policy hop with the chain it is in, across several chains', () => {
    const r = walk(engineFor('two-node-basic.yaml'), calico(), {
      from: 'default/pod-a',
      to: 'default/pod-b',
      port: 80,
      protocol: 'TCP',
    });
    const hop = r.hops.find((h) => h.stage === 'egress-policy')!;
    expect(hop.table).toBe(`cali-fw-${calicoVethName('default', 'pod-a')}`);
    const rows = hop.rows!;
    for (const row of rows) {
      const chain = /^-A (\S+)/.exec(row.text)?.[1] ?? /^(\S+): end of chain$/.exec(row.text)?.[1];
      expect(chain).toBeDefined();
      expect(row.chain).toBe(chain);
    }
    const chains = [...new Set(rows.map((x) => x.chain))];
    expect(chains).toEqual(expect.arrayContaining(['FORWARD', 'cali-FORWARD', hop.table]));
    expect(chains.length).toBeGreaterThan(3);
  });
});
