/**
 * Cilium semantics, one feature per test. Every case runs both the reference evaluator and the eBPF
 * model, checks they agree, and checks the answer Cilium's documentation and sources give (cited in
 * reference.ts and ebpf.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Cluster, HttpRequest, Protocol } from '../model';
import { formatTrace } from '../trace';
import {
  ccnp,
  cluster,
  cnp,
  ipBlock,
  judge,
  knp,
  ns,
  pod,
  ports,
  rule,
  type BothPaths,
} from './testkit';

/** Both paths agree; returns them for further checks. */
function both(
  c: Cluster,
  from: string,
  to: string,
  port: number,
  protocol: Protocol = 'TCP',
  http?: HttpRequest,
): BothPaths {
  const r = judge(c, from, to, port, protocol, http);
  expect(r.model.allowed, `model vs reference: ${r.reference.reason} / ${r.model.decidedAt}`).toBe(
    r.reference.allowed,
  );
  return r;
}
const allowed = (c: Cluster, from: string, to: string, port: number, protocol: Protocol = 'TCP') =>
  both(c, from, to, port, protocol).reference.allowed;

const web = pod('shop/web', {
  labels: { app: 'web' },
  host: 5,
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});
const api = pod('shop/api', {
  labels: { app: 'api' },
  node: 1,
  host: 6,
  ports: [{ name: 'http', port: 9090, protocol: 'TCP' }],
});
const db = pod('shop/db', { labels: { app: 'db' }, node: 1, host: 7 });
const tool = pod('ops/tool', { labels: { app: 'web' }, host: 8, serviceAccount: 'robot' });
const base = [web, api, db, tool];
const app = (a: string) => ({ matchLabels: { app: a } });

describe('enforcement: when a direction is in default deny', () => {
  it('allows everything while no rule selects the endpoint (identity 0 / ANY allow entry)', () => {
    const c = cluster({ pods: base });
    const r = both(c, 'shop/web', 'shop/api', 80);
    expect(r.reference.allowed).toBe(true);
    expect(r.model.decidedAt).toMatch(/identity 0 \(ANY\), ingress, TCP, 80\} -> allow$/);
  });

  it('puts the endpoint in default deny once a rule has ingress rules: only what they allow passes', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          ingress: [rule({ endpoints: [app('web')] })],
        }),
      ],
    });
    const ok = both(c, 'shop/web', 'shop/api', 80);
    expect(ok.reference.allowed).toBe(true);
    expect(ok.reference.ingress).toMatchObject({
      policy: 'CiliumNetworkPolicy shop/p',
      rule: 'spec.ingress[0]',
    });
    expect(ok.model.ingress).toMatchObject({
      policy: 'CiliumNetworkPolicy shop/p',
      rule: 'spec.ingress[0]',
    });
    const denied = both(c, 'shop/db', 'shop/api', 80);
    expect(denied.reference.allowed).toBe(false);
    expect(denied.model.decidedAt).toContain('no entry (drop 133 Policy denied)');
    // Egress of shop/api is still open: the policy has no egress rules.
    expect(allowed(c, 'shop/api', 'shop/db', 80)).toBe(true);
  });

  it('does not enforce for `ingress: []` but does for `ingress: [{}]`, which allows nothing', () => {
    const empty = cluster({
      pods: base,
      cilium: [cnp('shop/p', { endpointSelector: app('api'), ingress: [] })],
    });
    expect(allowed(empty, 'shop/web', 'shop/api', 80)).toBe(true);
    const braces = cluster({
      pods: base,
      cilium: [cnp('shop/p', { endpointSelector: app('api'), ingress: [rule()] })],
    });
    const r = both(braces, 'shop/web', 'shop/api', 80);
    expect(r.reference.allowed).toBe(false);
    expect(r.reference.notes.join(' ')).toMatch(
      /empty rule \{\}.*default deny.*Kubernetes NetworkPolicy the same shape allows everything/,
    );
  });

  it('isolates with a deny-only policy, and says so', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          ingressDeny: [rule({ endpoints: [app('db')] })],
        }),
      ],
    });
    const denied = both(c, 'shop/db', 'shop/api', 80);
    expect(denied.reference.allowed).toBe(false);
    expect(denied.model.decidedAt).toContain('deny');
    const alsoDenied = both(c, 'shop/web', 'shop/api', 80);
    expect(alsoDenied.reference.allowed).toBe(false);
    expect(alsoDenied.reference.notes.join(' ')).toMatch(
      /only ingressDeny rules, yet it still puts shop\/api into default deny/,
    );
  });

  it('keeps the endpoint out of default deny with enableDefaultDeny: false, where only denies drop', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          enableDefaultDeny: { ingress: false },
          ingressDeny: [rule({ endpoints: [app('db')] })],
        }),
      ],
    });
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'shop/db', 'shop/api', 80)).toBe(false);
  });

  it('enforces Kubernetes NetworkPolicy per policyType', () => {
    const c = cluster({
      pods: base,
      k8s: [knp('shop/deny', { podSelector: app('api'), policyTypes: ['ingress'] })],
    });
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(false);
    expect(allowed(c, 'shop/api', 'shop/web', 80)).toBe(true);
  });
});

describe('deny rules win', () => {
  it('drops with "Policy denied by denylist" even when another policy allows', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/allow', { endpointSelector: app('api'), ingress: [rule({ endpoints: [{}] })] }),
        cnp('shop/deny', {
          endpointSelector: app('api'),
          ingressDeny: [rule({ endpoints: [app('web')], toPorts: [ports([[80, 'TCP']])] })],
        }),
      ],
    });
    const r = both(c, 'shop/web', 'shop/api', 80);
    expect(r.reference.allowed).toBe(false);
    expect(r.reference.reason).toContain('Policy denied by denylist');
    expect(r.model.decidedAt).toContain('drop 181');
    expect(allowed(c, 'shop/web', 'shop/api', 81)).toBe(true);
  });

  it('an L4-only deny (every peer on a port) beats an identity-specific allow on any port', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          ingress: [rule({ endpoints: [app('web')] })],
          ingressDeny: [rule({ toPorts: [ports([[443, 'TCP']])] })],
        }),
      ],
    });
    const r = both(c, 'shop/web', 'shop/api', 443);
    expect(r.reference.allowed).toBe(false);
    expect(r.model.trace).toContainEqual(
      expect.objectContaining({
        kind: 'lookup',
        table: 'policy',
        key: { identity: 0, direction: 'ingress', proto: 6, port: 443 },
        result: 'hit',
        value: { proto: 6, port: 443, prefixLen: 24, deny: true, proxyPort: 0 },
      }),
    );
    expect(formatTrace(r.model.trace).join('\n')).toMatch(
      /identity 0 \(ANY\), ingress, TCP, 443\} -> 443\/TCP deny/,
    );
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(true);
  });

  it('an identity deny on all ports removes the narrower allow of that identity from the map', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          ingress: [rule({ endpoints: [app('web')], toPorts: [ports([[80, 'TCP']])] })],
          ingressDeny: [rule({ endpoints: [app('web')] })],
        }),
      ],
    });
    const r = both(c, 'shop/web', 'shop/api', 80);
    expect(r.reference.allowed).toBe(false);
    const webId = r.dp.index.endpointByPod.get('shop/web')!.identity;
    const apiMap = r.dp.policyMaps.get(r.dp.index.endpointByPod.get('shop/api')!.id)!;
    expect(apiMap.filter((e) => e.identity === webId && e.direction === 'ingress')).toEqual([
      expect.objectContaining({ deny: true, proto: 0, prefixLen: 0 }),
    ]);
  });
});

describe('peer selectors and namespaces', () => {
  it('scopes a namespaced {} selector to the policy namespace, and says why another namespace is dropped', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', { endpointSelector: app('api'), ingress: [rule({ endpoints: [{}] })] }),
      ],
    });
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(true);
    const r = both(c, 'ops/tool', 'shop/api', 80);
    expect(r.reference.allowed).toBe(false);
    expect(r.reference.notes.join(' ')).toMatch(/empty selector \{\}.*covers namespace shop only/);
    // ... and never world or a node.
    expect(allowed(c, 'ip:8.8.8.8', 'shop/api', 80)).toBe(false);
    expect(allowed(c, 'ip:192.168.0.10', 'shop/api', 80)).toBe(false);
  });

  it('reaches another namespace when the selector names io.kubernetes.pod.namespace or a namespace label', () => {
    const c = cluster({
      pods: base,
      namespaces: [ns('ops', { team: 'ops' })],
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          ingress: [
            rule({
              endpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'ops' } }],
              toPorts: [ports([80])],
            }),
            rule({
              endpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'ops' } }],
              toPorts: [ports([81])],
            }),
          ],
        }),
      ],
    });
    expect(allowed(c, 'ops/tool', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'ops/tool', 'shop/api', 81)).toBe(true);
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(false);
  });

  it('spans namespaces with a clusterwide {} selector, but selects only pods', () => {
    const c = cluster({
      pods: base,
      cilium: [
        ccnp('all-pods', { endpointSelector: app('api'), ingress: [rule({ endpoints: [{}] })] }),
      ],
    });
    expect(allowed(c, 'ops/tool', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'ip:8.8.8.8', 'shop/api', 80)).toBe(false);
    expect(allowed(c, 'ip:192.168.0.10', 'shop/api', 80)).toBe(false);
  });

  it('matches the labels Cilium derives: service account, with or without the k8s: prefix', () => {
    const c = cluster({
      pods: base,
      cilium: [
        ccnp('robots', {
          endpointSelector: app('api'),
          ingress: [
            rule({
              endpoints: [{ matchLabels: { 'k8s:io.cilium.k8s.policy.serviceaccount': 'robot' } }],
            }),
          ],
        }),
      ],
    });
    expect(allowed(c, 'ops/tool', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(false);
  });

  it('lets a Kubernetes NetworkPolicy select on Cilium’s derived labels too', () => {
    const c = cluster({
      pods: base,
      k8s: [
        knp('shop/sa', {
          podSelector: app('api'),
          ingress: [
            {
              peers: [
                {
                  namespaceSelector: {},
                  podSelector: { matchLabels: { 'io.cilium.k8s.policy.serviceaccount': 'robot' } },
                },
              ],
            },
          ],
        }),
      ],
    });
    expect(allowed(c, 'ops/tool', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(false);
  });

  it('matches a k8s: key only against Kubernetes labels and a reserved: key only against reserved ones', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          ingress: [
            rule({
              endpoints: [
                { matchLabels: { 'k8s:app': 'web' } },
                { matchLabels: { 'reserved:world': '' } },
              ],
            }),
          ],
        }),
      ],
    });
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'ip:8.8.8.8', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'shop/db', 'shop/api', 80)).toBe(false);
  });
});

describe('entities, nodes and allow-localhost', () => {
  const withEntity = (entity: Parameters<typeof rule>[0]) =>
    cluster({
      pods: base,
      cilium: [cnp('shop/p', { endpointSelector: app('api'), ingress: [rule(entity)] })],
    });

  it('world covers outside addresses only', () => {
    const c = withEntity({ entities: ['world'] });
    expect(allowed(c, 'ip:8.8.8.8', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(false);
    expect(allowed(c, 'ip:192.168.0.10', 'shop/api', 80)).toBe(false);
  });

  it('cluster covers pods of every namespace and nodes, not the outside', () => {
    const c = withEntity({ entities: ['cluster'] });
    expect(allowed(c, 'ops/tool', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'ip:192.168.0.10', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'ip:8.8.8.8', 'shop/api', 80)).toBe(false);
  });

  it('host is the endpoint’s own node, remote-node every other node', () => {
    // shop/api runs on node-1 (192.168.0.11); node-0 is 192.168.0.10.
    const remote = withEntity({ entities: ['remote-node'] });
    const remoteProbe = both(remote, 'ip:192.168.0.10', 'shop/api', 80);
    expect(remoteProbe.reference.allowed).toBe(true);
    expect(remoteProbe.model.trace[0]).toMatchObject({ table: 'ipcache', value: { identity: 6 } });
    const host = withEntity({ entities: ['host'] });
    expect(allowed(host, 'ip:192.168.0.10', 'shop/api', 80)).toBe(false);
  });

  it('all covers every peer (the identity 0 key)', () => {
    const c = withEntity({ entities: ['all'] });
    for (const from of ['ops/tool', 'ip:8.8.8.8', 'ip:192.168.0.10'])
      expect(allowed(c, from, 'shop/api', 80)).toBe(true);
  });

  it('lets a node reach its own pods under default deny (allow-localhost), unless a deny covers the host', () => {
    const denyAll = withEntity({});
    const r = both(denyAll, 'ip:192.168.0.11', 'shop/api', 80);
    expect(r.reference.allowed).toBe(true);
    expect(r.model.trace[0]).toMatchObject({ table: 'ipcache', value: { identity: 1 } });
    expect(allowed(denyAll, 'ip:192.168.0.10', 'shop/api', 80)).toBe(false);
    const denyHost = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          ingressDeny: [rule({ entities: ['host'] })],
        }),
      ],
    });
    expect(allowed(denyHost, 'ip:192.168.0.11', 'shop/api', 80)).toBe(false);
  });
});

describe('CIDR rules and ipBlocks', () => {
  it('toCIDR/fromCIDR select outside addresses, with except, never pods or nodes', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('web'),
          egress: [rule({ cidrs: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }] })],
          ingress: [rule({ cidrs: ['8.8.8.0/24'] })],
        }),
      ],
    });
    expect(allowed(c, 'shop/web', 'ip:10.2.3.4', 443)).toBe(true);
    expect(allowed(c, 'shop/web', 'ip:10.1.3.4', 443)).toBe(false);
    const toPod = both(c, 'shop/web', 'shop/api', 443);
    expect(toPod.reference.allowed).toBe(false);
    expect(toPod.reference.notes.join(' ')).toMatch(/CIDR rules never select pods or nodes/);
    expect(allowed(c, 'ip:8.8.8.8', 'shop/web', 80)).toBe(true);
    expect(allowed(c, 'ip:8.8.4.4', 'shop/web', 80)).toBe(false);
  });

  it('gives the referenced prefixes CIDR identities from 1<<24 in the ipcache, and world to the rest', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', { endpointSelector: app('web'), egress: [rule({ cidrs: ['10.0.0.0/8'] })] }),
      ],
    });
    const r = both(c, 'shop/web', 'ip:10.2.3.4', 443);
    expect(r.model.trace[0]).toMatchObject({
      table: 'ipcache',
      key: { ip: '10.2.3.4' },
      value: { prefix: '10.0.0.0/8', identity: 16777217 },
    });
    expect(r.dp.identities.find((i) => i.id === 16777217)?.labels).toEqual([
      'cidr:10.0.0.0/8',
      'reserved:world',
    ]);
    expect(both(c, 'shop/web', 'ip:9.9.9.9', 443).model.trace[0]).toMatchObject({
      table: 'ipcache',
      value: { prefix: '0.0.0.0/0', identity: 2 },
    });
  });

  it('follows the spec for a Kubernetes ipBlock that contains pod addresses, and notes that Cilium does not', () => {
    // shop/web (10.244.0.5) and shop/web2 (10.244.1.9) share their labels; only web is in the /30.
    const twin = pod('shop/web2', { labels: { app: 'web' }, node: 1, host: 9 });
    const c = cluster({
      pods: [...base, twin],
      k8s: [
        knp('shop/p', {
          podSelector: app('api'),
          ingress: [{ peers: [ipBlock('10.244.0.4/30')] }],
        }),
      ],
    });
    const r = both(c, 'shop/web', 'shop/api', 80);
    expect(r.reference.allowed).toBe(true);
    expect(r.reference.notes.join(' ')).toMatch(/cilium\/cilium#9209/);
    expect(allowed(c, 'shop/web2', 'shop/api', 80)).toBe(false);
    // The two app=web pods of shop now have different identities.
    const ids = r.dp.index.endpointByPod;
    expect(ids.get('shop/web')!.identity).not.toBe(ids.get('shop/web2')!.identity);
  });

  it('selects node addresses with a Kubernetes ipBlock (spec) via their own remote-node identity', () => {
    const c = cluster({
      pods: base,
      nodes: 3,
      k8s: [
        knp('shop/p', {
          podSelector: app('api'),
          ingress: [{ peers: [ipBlock('192.168.0.12/32')] }],
        }),
      ],
    });
    expect(allowed(c, 'ip:192.168.0.12', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'ip:192.168.0.10', 'shop/api', 80)).toBe(false);
  });
});

describe('ports', () => {
  it('resolves ingress named ports against the endpoint’s own container ports', () => {
    const c = cluster({
      pods: base,
      cilium: [
        ccnp('p', { endpointSelector: {}, ingress: [rule({ toPorts: [ports(['http'])] })] }),
      ],
    });
    expect(allowed(c, 'shop/web', 'shop/api', 9090)).toBe(true);
    expect(allowed(c, 'shop/api', 'shop/web', 8080)).toBe(true);
    expect(allowed(c, 'shop/api', 'shop/web', 9090)).toBe(false);
  });

  it('resolves egress named ports against each destination, even for pods sharing labels', () => {
    const a = pod('shop/a', {
      labels: { app: 'x' },
      host: 20,
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });
    const b = pod('shop/b', {
      labels: { app: 'x' },
      host: 21,
      ports: [{ name: 'http', port: 81, protocol: 'TCP' }],
    });
    const c = cluster({
      pods: [web, a, b],
      k8s: [
        knp('shop/p', {
          podSelector: app('web'),
          policyTypes: ['egress'],
          egress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }],
        }),
      ],
    });
    expect(allowed(c, 'shop/web', 'shop/a', 80)).toBe(true);
    expect(allowed(c, 'shop/web', 'shop/a', 81)).toBe(false);
    expect(allowed(c, 'shop/web', 'shop/b', 81)).toBe(true);
    expect(allowed(c, 'shop/web', 'ip:8.8.8.8', 80)).toBe(false);
  });

  it('covers endPort ranges with LPM prefixes, port 0 as every port, ANY as TCP, UDP and SCTP', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          ingress: [
            rule({
              endpoints: [app('web')],
              toPorts: [ports([{ port: 8000, endPort: 8100, protocol: 'TCP' }])],
            }),
            rule({ endpoints: [app('db')], toPorts: [ports([[0, 'UDP']])] }),
            rule({
              endpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'ops' } }],
              toPorts: [ports([53])],
            }),
          ],
        }),
      ],
    });
    for (const p of [8000, 8050, 8100]) expect(allowed(c, 'shop/web', 'shop/api', p)).toBe(true);
    for (const p of [7999, 8101]) expect(allowed(c, 'shop/web', 'shop/api', p)).toBe(false);
    expect(allowed(c, 'shop/db', 'shop/api', 5000, 'UDP')).toBe(true);
    expect(allowed(c, 'shop/db', 'shop/api', 5000, 'TCP')).toBe(false);
    for (const proto of ['TCP', 'UDP', 'SCTP'] as const)
      expect(allowed(c, 'ops/tool', 'shop/api', 53, proto)).toBe(true);
    const dp = judge(c, 'shop/web', 'shop/api', 8000).dp;
    const webId = dp.index.endpointByPod.get('shop/web')!.identity;
    const entries = dp.policyMaps
      .get(dp.index.endpointByPod.get('shop/api')!.id)!
      .filter((e) => e.identity === webId);
    // 8000-8100 = 8000-8063 (/10 of the port) + 8064-8095 + 8096-8099 + 8100.
    expect(entries.map((e) => [e.port, e.prefixLen])).toEqual([
      [8000, 8 + 10],
      [8064, 8 + 11],
      [8096, 8 + 14],
      [8100, 24],
    ]);
  });
});

describe('L7 HTTP rules', () => {
  const l7 = (http: Parameters<typeof ports>[1], extra: ReturnType<typeof rule>[] = []) =>
    cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          ingress: [
            rule({ endpoints: [app('web')], toPorts: [ports([[80, 'TCP']], http)] }),
            ...extra,
          ],
        }),
      ],
    });
  const get = (path: string, method = 'GET'): HttpRequest => ({ method, path });

  it('redirects to the proxy and judges the request; a refusal is a 403 on an allowed connection', () => {
    const c = l7([{ method: 'GET', path: '/api/.*' }]);
    const ok = both(c, 'shop/web', 'shop/api', 80, 'TCP', get('/api/items'));
    expect(ok.reference.allowed).toBe(true);
    expect(ok.reference.l7).toMatchObject({ redirected: true, allowed: true });
    expect(
      ok.model.trace.some(
        (e) => e.kind === 'lookup' && e.table === 'policy' && (e.value?.proxyPort ?? 0) > 0,
      ),
    ).toBe(true);
    expect(ok.model.trace.find((e) => e.kind === 'proxy')).toMatchObject({
      request: 'GET /api/items',
      result: 'allowed',
    });
    const refused = both(c, 'shop/web', 'shop/api', 80, 'TCP', get('/api/items', 'POST'));
    expect(refused.reference.allowed).toBe(false);
    expect(refused.reference.l7).toMatchObject({ redirected: true, allowed: false, status: 403 });
    expect(refused.reference.reason).toMatch(
      /403 "Access denied".*TCP connection itself was allowed/,
    );
    expect(refused.model.decidedAt).toMatch(
      /cilium-http-ingress proxy port \d+: POST \/api\/items -> 403/,
    );
    // Without a request, only the redirect is known.
    expect(both(c, 'shop/web', 'shop/api', 80).reference.l7).toMatchObject({ redirected: true });
  });

  it('matches the whole path: "/" does not allow "/public"', () => {
    const c = l7([{ path: '/' }]);
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(true);
    expect(both(c, 'shop/web', 'shop/api', 80, 'TCP', get('/')).reference.allowed).toBe(true);
    const r = both(c, 'shop/web', 'shop/api', 80, 'TCP', get('/public'));
    expect(r.reference.allowed).toBe(false);
    expect(r.reference.notes.join(' ')).toMatch(/must match the whole path.*"\/\.\*" would/);
  });

  it('requires headers, with a value when one is given', () => {
    const c = l7([{ headers: ['X-Token: s3cret', 'X-Trace'] }]);
    const req = (headers: Record<string, string>): HttpRequest => ({
      method: 'GET',
      path: '/',
      headers,
    });
    expect(
      both(c, 'shop/web', 'shop/api', 80, 'TCP', req({ 'x-token': 's3cret', 'X-Trace': '1' }))
        .reference.allowed,
    ).toBe(true);
    expect(
      both(c, 'shop/web', 'shop/api', 80, 'TCP', req({ 'X-Token': 'nope', 'X-Trace': '1' }))
        .reference.allowed,
    ).toBe(false);
    expect(
      both(c, 'shop/web', 'shop/api', 80, 'TCP', req({ 'X-Token': 's3cret' })).reference.allowed,
    ).toBe(false);
  });

  it('lets every request through when another rule allows the same peer on that port without L7 rules', () => {
    const c = l7(
      [{ method: 'GET' }],
      [rule({ endpoints: [app('web')], toPorts: [ports([[80, 'TCP']])] })],
    );
    const r = both(c, 'shop/web', 'shop/api', 80, 'TCP', get('/x', 'DELETE'));
    expect(r.reference.allowed).toBe(true);
    expect(r.reference.l7?.redirected).toBe(true);
    // An L3-only rule for the peer counts too (Envoy's port-0 rules).
    const l3 = l7([{ method: 'GET' }], [rule({ endpoints: [app('web')] })]);
    expect(both(l3, 'shop/web', 'shop/api', 80, 'TCP', get('/x', 'DELETE')).reference.allowed).toBe(
      true,
    );
  });

  it('does not open L7 through the allow-all rule of enableDefaultDeny: false', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('api'),
          enableDefaultDeny: { ingress: false },
          ingress: [
            rule({ endpoints: [app('web')], toPorts: [ports([[80, 'TCP']], [{ method: 'GET' }])] }),
          ],
        }),
      ],
    });
    expect(both(c, 'shop/web', 'shop/api', 80, 'TCP', get('/x', 'POST')).reference.allowed).toBe(
      false,
    );
    expect(both(c, 'shop/db', 'shop/api', 80, 'TCP', get('/x', 'POST')).reference.allowed).toBe(
      true,
    );
  });

  it('judges egress L7 at the source', () => {
    const c = cluster({
      pods: base,
      cilium: [
        cnp('shop/p', {
          endpointSelector: app('web'),
          egress: [rule({ toPorts: [ports([[80, 'TCP']], [{ method: 'GET' }])] })],
        }),
      ],
    });
    expect(both(c, 'shop/web', 'ip:8.8.8.8', 80, 'TCP', get('/')).reference.allowed).toBe(true);
    const r = both(c, 'shop/web', 'ip:8.8.8.8', 80, 'TCP', get('/', 'PUT'));
    expect(r.reference.allowed).toBe(false);
    expect(r.model.decidedAt).toContain('cilium-http-egress');
  });
});

describe('Kubernetes NetworkPolicy under Cilium', () => {
  it('allows every source, outside addresses included, for a rule without from', () => {
    const c = cluster({
      pods: base,
      k8s: [
        knp('shop/p', {
          podSelector: app('api'),
          ingress: [{ ports: [{ protocol: 'TCP', port: 80 }] }],
        }),
      ],
    });
    expect(allowed(c, 'ip:8.8.8.8', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'ops/tool', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'ops/tool', 'shop/api', 81)).toBe(false);
  });

  it('ANDs podSelector and namespaceSelector in one peer and ORs separate peers', () => {
    const c = cluster({
      pods: base,
      namespaces: [ns('ops', { team: 'ops' })],
      k8s: [
        knp('shop/p', {
          podSelector: app('api'),
          ingress: [
            {
              peers: [
                { namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: app('db') },
                { podSelector: app('web') },
              ],
            },
          ],
        }),
      ],
    });
    expect(allowed(c, 'ops/tool', 'shop/api', 80)).toBe(false);
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'shop/db', 'shop/api', 80)).toBe(false);
  });

  it('keeps a filtered label in the identity when a NetworkPolicy selects on it', () => {
    const hashed = pod('shop/h', { labels: { app: 'web', 'pod-template-hash': 'abc' }, host: 30 });
    const c = cluster({
      pods: [...base, hashed],
      k8s: [
        knp('shop/p', {
          podSelector: app('api'),
          ingress: [{ peers: [{ podSelector: { matchLabels: { 'pod-template-hash': 'abc' } } }] }],
        }),
      ],
    });
    expect(allowed(c, 'shop/h', 'shop/api', 80)).toBe(true);
    expect(allowed(c, 'shop/web', 'shop/api', 80)).toBe(false);
  });
});
