import { describe, expect, it } from 'vitest';
import { dumpCiliumMaps, formatIpcache, formatPolicyMap, formatPortKey, tabulate } from './dump';
import { ciliumStats, compileCilium, policyMapName, portRangePrefixes } from './ebpf';
import { cluster, cnp, pod, ports, rule } from './testkit';

const web = pod('shop/web', { labels: { app: 'web' }, host: 5 });
const api = pod('shop/api', { labels: { app: 'api' }, node: 1, host: 6 });
const c = cluster({
  pods: [web, api],
  cilium: [
    cnp('shop/p', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [
        rule({
          endpoints: [{ matchLabels: { app: 'web' } }],
          toPorts: [ports([[80, 'TCP']], [{ method: 'GET' }])],
        }),
        rule({ toPorts: [ports([{ port: 8000, endPort: 8063, protocol: 'TCP' }])] }),
      ],
      ingressDeny: [rule({ entities: ['world'] })],
    }),
  ],
});
const dp = compileCilium(c);
const apiEp = dp.index.endpointByPod.get('shop/api')!;

describe('cilium identity list', () => {
  it('lists reserved identities with their numbers and one label per line', () => {
    const text = dumpCiliumMaps(dp, { endpoint: 'shop/api' });
    const list = text
      .split('\n\n')
      .find((b) => b.startsWith('$ cilium identity list'))!
      .split('\n');
    expect(list[0]).toBe('$ cilium identity list');
    expect(list[1]).toMatch(/^ID\s{3,}LABELS$/);
    expect(list).toContain('1       reserved:host');
    expect(list).toContain('2       reserved:world');
    expect(list).toContain('6       reserved:remote-node');
    // Cluster-wide identities start at 256, in the order of the sorted label sets.
    expect(list).toContain('256     k8s:app=api');
    expect(list).toContain('257     k8s:app=web');
    expect(list.some((l) => /^\s+k8s:io\.kubernetes\.pod\.namespace=shop$/.test(l))).toBe(true);
  });
});

describe('cilium bpf ipcache list', () => {
  it('differs per node: the own address is host, a remote pod has its node as tunnel endpoint', () => {
    const text = formatIpcache(dp, 'node-1').split('\n');
    expect(text[0]).toMatch(/^IP PREFIX\/ADDRESS\s+IDENTITY$/);
    expect(text).toContain(
      '0.0.0.0/0           identity=2 encryptkey=0 tunnelendpoint=0.0.0.0 flags=<none>',
    );
    expect(text).toContain(
      '10.244.0.5/32       identity=257 encryptkey=0 tunnelendpoint=192.168.0.10 flags=hastunnel',
    );
    expect(text).toContain(
      '10.244.1.6/32       identity=256 encryptkey=0 tunnelendpoint=0.0.0.0 flags=<none>',
    );
    expect(text).toContain(
      '192.168.0.10/32     identity=6 encryptkey=0 tunnelendpoint=0.0.0.0 flags=<none>',
    );
    expect(text).toContain(
      '192.168.0.11/32     identity=1 encryptkey=0 tunnelendpoint=0.0.0.0 flags=<none>',
    );
  });
});

describe('cilium bpf policy get', () => {
  it('prints the columns of cilium-dbg, denies first, ANY for identity 0, ranges and proxy ports', () => {
    const lines = formatPolicyMap(dp, apiEp).split('\n');
    expect(lines[0]!.split(/\s{3,}/)).toEqual([
      'POLICY',
      'DIRECTION',
      'LABELS (source:key[=value])',
      'PORT/PROTO',
      'PROXY PORT',
      'AUTH TYPE',
      'BYTES',
      'PACKETS',
      'PREFIX',
    ]);
    const rows = lines
      .slice(1)
      .filter((l) => /^(Allow|Deny)/.test(l))
      .map((l) => l.split(/\s{3,}/));
    expect(rows[0]).toEqual([
      'Deny',
      'Ingress',
      'reserved:world',
      'ANY',
      'NONE',
      'disabled',
      '-',
      '-',
      '0',
    ]);
    expect(rows).toContainEqual([
      'Allow',
      'Ingress',
      'ANY',
      '8000-8063/TCP',
      'NONE',
      'disabled',
      '-',
      '-',
      '18',
    ]);
    expect(rows).toContainEqual([
      'Allow',
      'Ingress',
      'reserved:host',
      'ANY',
      'NONE',
      'disabled',
      '-',
      '-',
      '0',
    ]);
    expect(rows).toContainEqual([
      'Allow',
      'Egress',
      'ANY',
      'ANY',
      'NONE',
      'disabled',
      '-',
      '-',
      '0',
    ]);
    const redirect = rows.find((r) => r[3] === '80/TCP')!;
    expect(redirect[2]).toBe('k8s:app=web');
    expect(redirect[4]).toBe(String(dp.proxyPorts['cilium-http-ingress']));
    expect(Number(redirect[4])).toBeGreaterThanOrEqual(10000);
    expect(Number(redirect[4])).toBeLessThanOrEqual(20000);
  });

  it('names the map after the endpoint ID, zero-padded to five digits', () => {
    expect(policyMapName(42)).toBe('cilium_policy_v2_00042');
    expect(apiEp.mapName).toBe(policyMapName(apiEp.id));
    expect(dumpCiliumMaps(dp, { endpoint: 'shop/api' })).toContain(
      `$ cilium bpf policy get ${apiEp.id}`,
    );
  });

  it('prints every node and endpoint without an endpoint, and says so for an unknown one', () => {
    const all = dumpCiliumMaps(dp);
    expect(all.match(/\$ cilium bpf ipcache list/g)).toHaveLength(2);
    expect(all.match(/\$ cilium bpf policy get/g)).toHaveLength(2);
    expect(dumpCiliumMaps(dp, { endpoint: 'shop/nope' })).toBe(
      'No Cilium endpoint for pod "shop/nope".',
    );
  });
});

describe('policy keys', () => {
  it('splits a port range into the fewest aligned prefixes', () => {
    expect(portRangePrefixes(6, 80, 80)).toEqual([{ proto: 6, port: 80, prefixLen: 24 }]);
    expect(portRangePrefixes(6, 0, 65535)).toEqual([{ proto: 6, port: 0, prefixLen: 8 }]);
    expect(portRangePrefixes(17, 1, 3)).toEqual([
      { proto: 17, port: 1, prefixLen: 24 },
      { proto: 17, port: 2, prefixLen: 23 },
    ]);
    expect(portRangePrefixes(6, 1024, 65535).map((k) => k.prefixLen)).toEqual([
      14, 13, 12, 11, 10, 9,
    ]);
  });

  it('prints keys as PortProtoString does', () => {
    expect(formatPortKey(0, 0, 0)).toBe('ANY');
    expect(formatPortKey(17, 0, 8)).toBe('UDP');
    expect(formatPortKey(6, 443, 24)).toBe('443/TCP');
    expect(formatPortKey(6, 8064, 19)).toBe('8064-8095/TCP');
  });

  it('pads columns like Go tabwriter with padding 3', () => {
    expect(
      tabulate([
        ['a', 'b'],
        ['long-cell', 'c'],
      ]),
    ).toBe('a           b\nlong-cell   c');
  });

  it('counts identities, ipcache entries and map entries', () => {
    const s = ciliumStats(dp);
    expect(s.identities).toBe(8 + 2);
    // 2 pods, 0.0.0.0/0, and 2 node addresses in each of the 2 nodes' ipcaches.
    expect(s.ipcacheEntries).toBe(2 + 1 + 4);
    expect(s.policyMapEntries).toBe([...dp.policyMaps.values()].reduce((n, m) => n + m.length, 0));
  });
});
