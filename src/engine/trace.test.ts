import { describe, expect, it } from 'vitest';
import { formatTraceEvent, type TraceEvent } from './trace';

// The wording each event prints with (the lines the model's traces read as before they were data).
describe('formatTraceEvent', () => {
  const cases: [TraceEvent, string][] = [
    [
      { kind: 'chain-policy', node: 'node-1', table: 'filter', chain: 'FORWARD', policy: 'ACCEPT' },
      'node-1 FORWARD: end of chain, policy ACCEPT',
    ],
    [
      {
        kind: 'lookup',
        table: 'ipcache',
        map: 'cilium_ipcache_v2',
        node: 'node-2',
        direction: 'ingress',
        key: { ip: '10.244.1.5' },
        result: 'hit',
        value: { prefix: '10.244.1.5/32', identity: 257 },
      },
      'cilium_ipcache_v2 (node-2) lookup 10.244.1.5 -> 10.244.1.5/32 identity 257 (source identity)',
    ],
    [
      {
        kind: 'lookup',
        table: 'policy',
        map: 'cilium_policy_v2_00042',
        endpoint: 42,
        key: { identity: 0, direction: 'egress', proto: 17, port: 53 },
        result: 'miss',
      },
      'cilium_policy_v2_00042 lookup {identity 0 (ANY), egress, UDP, 53} -> no entry',
    ],
    [
      {
        kind: 'lookup',
        table: 'policy',
        map: 'cilium_policy_v2_00042',
        endpoint: 42,
        key: { identity: 300, direction: 'ingress', proto: 6, port: 8080 },
        result: 'hit',
        value: { proto: 6, port: 8064, prefixLen: 19, deny: false, proxyPort: 12345 },
      },
      'cilium_policy_v2_00042 lookup {identity 300, ingress, TCP, 8080} -> 8064-8095/TCP redirect to proxy port 12345',
    ],
    [
      { kind: 'frag-needed', map: 'cilium_policy_v2_00042', endpoint: 42, direction: 'egress' },
      'cilium_policy_v2_00042: ICMP type 3 code 4 (fragmentation needed) allowed before the lookup',
    ],
    [
      {
        kind: 'proxy',
        listener: 'cilium-http-ingress',
        port: 12345,
        direction: 'ingress',
        request: 'POST /api',
        result: 'denied',
        status: 403,
        body: 'Access denied',
      },
      'cilium-http-ingress (port 12345) POST /api -> 403 Access denied',
    ],
    [
      { kind: 'drop', reason: 'Policy denied by denylist', code: 181 },
      'drop: Policy denied by denylist (181)',
    ],
  ];
  it.each(cases)('prints %j', (event, text) => {
    expect(formatTraceEvent(event)).toBe(text);
  });

  it('drops the word lookup when asked (the inspector rows)', () => {
    expect(formatTraceEvent(cases[2]![0], { verb: false })).toBe(
      'cilium_policy_v2_00042 {identity 0 (ANY), egress, UDP, 53} -> no entry',
    );
  });
});
