import { describe, expect, it } from 'vitest';
import { TIERS_LISTED, runOf, tiersWorld } from '../../test/whiskerWorlds';
import { calicoRunFlowLogs, type CalicoFlowLog } from './whisker';
import {
  filterFlowLogs,
  parseWhiskerFilter,
  WhiskerFilterError,
  type WhiskerFilter,
} from './whiskerFilter';

const engine = tiersWorld();
const LOGS = calicoRunFlowLogs(engine, runOf(engine, 'iptables', TIERS_LISTED).connections);
const pick = (text: string) => filterFlowLogs(LOGS, parseWhiskerFilter(text));
const ids = (logs: readonly CalicoFlowLog[]) => logs.map((l) => `${l.connection}${l.reporter}`);
const hits = (l: CalicoFlowLog) => [...l.policies.enforced, ...l.policies.pending];

describe('parseWhiskerFilter', () => {
  it('reads Whisker’s keys into Goldmane’s filter fields', () => {
    expect(
      parseWhiskerFilter(
        'source_namespace=shop dest_name~back protocol=TCP dest_port=8080 action=deny reporter=Dst staged_action=Deny',
      ),
    ).toEqual<WhiskerFilter>({
      source_namespaces: [{ value: 'shop', type: 'Exact' }],
      dest_names: [{ value: 'back', type: 'Fuzzy' }],
      protocols: [{ value: 'tcp', type: 'Exact' }],
      dest_ports: [8080],
      actions: ['Deny'],
      reporter: 'Dst',
      pending_actions: ['Deny'],
    });
  });

  it('makes one policy match per policy name, sharing the other policy fields', () => {
    expect(
      parseWhiskerFilter(
        'policy=a policyName~b policyTier=security policyKind=globalnetworkpolicy',
      ),
    ).toEqual({
      policies: [
        {
          name: { value: 'a', type: 'Exact' },
          tier: { value: 'security', type: 'Exact' },
          kind: 'GlobalNetworkPolicy',
        },
        {
          name: { value: 'b', type: 'Fuzzy' },
          tier: { value: 'security', type: 'Exact' },
          kind: 'GlobalNetworkPolicy',
        },
      ],
    });
    expect(parseWhiskerFilter('  ')).toEqual({});
  });

  it.each([
    ['colour=red', /token 1 "colour=red": unknown key "colour"/],
    ['action=Deny shop', /token 2 "shop": expected key=value/],
    ['dest_port=http', /token 1 "dest_port=http": a port is a number from 1 to 65535/],
    ['dest_port=70000', /from 1 to 65535/],
    ['action=Drop', /"Drop" is not one of Allow, Deny, Pass/],
    ['reporter=Src reporter=Dst', /token 2 .*reporter given twice/],
    ['policyTier=a policyTier=b', /policyTier given twice/],
    ['policyKind~Global', /policyKind takes = only/],
    ['source_name=', /the value is empty/],
  ])('refuses %j, saying where', (text, message) => {
    expect(() => parseWhiskerFilter(text)).toThrow(WhiskerFilterError);
    expect(() => parseWhiskerFilter(text)).toThrow(message);
  });
});

describe('filterFlowLogs', () => {
  it('keeps exactly the flows with the action asked', () => {
    const denied = pick('action=Deny');
    expect(denied.length).toBeGreaterThan(0);
    expect(ids(denied)).toEqual(ids(LOGS.filter((l) => l.action === 'Deny')));
  });

  it('matches a policy name in either trace, Fuzzy as a substring', () => {
    const exact = pick('policy=allow-frontend');
    expect(exact.length).toBeGreaterThan(0);
    expect(ids(exact)).toEqual(
      ids(LOGS.filter((l) => hits(l).some((h) => h.name === 'allow-frontend'))),
    );
    const fuzzy = pick('policy~guard');
    expect(ids(fuzzy)).toEqual(
      ids(LOGS.filter((l) => hits(l).some((h) => h.name.includes('guard')))),
    );
    // Only the pending trace holds the staged policy.
    const staged = pick('policy=security.no-frontend');
    expect(staged.length).toBeGreaterThan(0);
    for (const l of staged)
      expect(l.policies.enforced.some((h) => h.name === 'security.no-frontend')).toBe(false);
  });

  it('ANDs the fields of one policy match (name and action)', () => {
    const got = pick('policy=security.backend-guard policyAction=Pass');
    expect(got.length).toBeGreaterThan(0);
    expect(ids(got)).toEqual(
      ids(
        LOGS.filter((l) =>
          hits(l).some((h) => h.name === 'security.backend-guard' && h.action === 'Pass'),
        ),
      ),
    );
  });

  it('ORs values of one key and ANDs different keys, as Goldmane does', () => {
    const either = pick('dest_port=5432 dest_port=8080');
    expect(ids(either)).toEqual(
      ids(LOGS.filter((l) => l.dest_port === 5432 || l.dest_port === 8080)),
    );
    const both = pick('dest_port=5432 action=Deny');
    expect(ids(both)).toEqual(ids(LOGS.filter((l) => l.dest_port === 5432 && l.action === 'Deny')));
    expect(both.length).toBeGreaterThan(0);
    expect(both.length).toBeLessThan(either.length);
  });

  it('takes a namespace on either side with `namespace`, one side with Whisker’s keys', () => {
    const ops = pick('namespace=ops');
    expect(ops.length).toBeGreaterThan(0);
    expect(ids(ops)).toEqual(
      ids(LOGS.filter((l) => l.source_namespace === 'ops' || l.dest_namespace === 'ops')),
    );
    expect(ids(pick('source_namespace=ops'))).toEqual(
      ids(LOGS.filter((l) => l.source_namespace === 'ops')),
    );
  });

  it('lets Goldmane’s short network names and Global match what Whisker shows', () => {
    const outside = LOGS.filter((l) => l.dest_type === 'Network');
    expect(outside.length).toBeGreaterThan(0);
    const short = outside[0]!.dest_name === 'PUBLIC NETWORK' ? 'pub' : 'pvt';
    expect(ids(pick(`dest_name=${short}`))).toEqual(
      ids(LOGS.filter((l) => l.dest_name === outside[0]!.dest_name)),
    );
    expect(ids(pick('dest_namespace=Global'))).toEqual(
      ids(LOGS.filter((l) => l.dest_namespace === '-')),
    );
  });

  it('finds flows a staged policy would deny although they are allowed now', () => {
    const got = pick('action=Allow staged_action=Deny');
    expect(got.length).toBeGreaterThan(0);
    for (const l of got) expect(l.policies.pending.some((h) => h.action === 'Deny')).toBe(true);
  });
});
