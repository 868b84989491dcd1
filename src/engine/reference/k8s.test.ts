import { describe, expect, it } from 'vitest';
import { cidr } from '../cidr';
import type { Cluster, Direction, Probe } from '../model';
import { resolveProbe } from '../probe';
import { cluster, k8sPolicy, namespace, pod, port, probe, tcp } from '../../test/builders';
import { k8sDirectionVerdict } from './k8s';

function verdict(c: Cluster, p: Probe, direction: Direction) {
  const r = resolveProbe(c, p);
  if (!r.ok) throw new Error(r.error);
  return k8sDirectionVerdict(c, r.probe, direction);
}
const allowed = (c: Cluster, p: Probe) =>
  [verdict(c, p, 'egress'), verdict(c, p, 'ingress')].every((v) => v === undefined || v.allowed);

const web = pod('shop/web', {
  labels: { app: 'web' },
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});
const api = pod('shop/api', {
  labels: { app: 'api' },
  node: 1,
  ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
});
const ops = pod('ops/tool', { labels: { app: 'web' } });
const prodNs = namespace('ops', { team: 'ops' });

describe('Kubernetes NetworkPolicy reference', () => {
  it('allows everything while no policy selects the pod', () => {
    const c = cluster({ pods: [web, api] });
    expect(verdict(c, probe('shop/web', 'shop/api', 80), 'ingress')).toMatchObject({
      allowed: true,
      reason: expect.stringContaining('not isolated'),
    });
  });

  it('isolates with a rule-less policy, and allows what any policy allows (additive)', () => {
    const denyAll = k8sPolicy('shop/deny-all', { ingress: [] });
    const allowWeb = k8sPolicy('shop/allow-web', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
    });
    expect(
      allowed(
        cluster({ pods: [web, api], k8sPolicies: [denyAll] }),
        probe('shop/web', 'shop/api', 80),
      ),
    ).toBe(false);
    const c = cluster({ pods: [web, api], k8sPolicies: [denyAll, allowWeb] });
    expect(verdict(c, probe('shop/web', 'shop/api', 80), 'ingress')).toMatchObject({
      allowed: true,
      policy: 'NetworkPolicy shop/allow-web',
      rule: 'spec.ingress[0]',
    });
    expect(allowed(c, probe('shop/api', 'shop/web', 80))).toBe(false);
  });

  it('treats a rule with no peers and no ports as allow-all', () => {
    const c = cluster({
      pods: [web, api],
      k8sPolicies: [k8sPolicy('shop/all', { ingress: [{}] })],
    });
    expect(allowed(c, probe('shop/web', 'shop/api', 9999, 'UDP'))).toBe(true);
    expect(allowed(c, probe('ip:8.8.8.8', 'shop/api', 1))).toBe(true);
  });

  it('ANDs podSelector and namespaceSelector in one peer, ORs separate peers', () => {
    const andPeer = k8sPolicy('shop/and', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [
        {
          peers: [
            {
              namespaceSelector: { matchLabels: { team: 'ops' } },
              podSelector: { matchLabels: { app: 'db' } },
            },
          ],
        },
      ],
    });
    const orPeers = k8sPolicy('shop/or', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [
        {
          peers: [
            { namespaceSelector: { matchLabels: { team: 'ops' } } },
            { podSelector: { matchLabels: { app: 'db' } } },
          ],
        },
      ],
    });
    const pods = [web, api, ops];
    expect(
      allowed(
        cluster({ pods, namespaces: [prodNs], k8sPolicies: [andPeer] }),
        probe('ops/tool', 'shop/api', 80),
      ),
    ).toBe(false);
    expect(
      allowed(
        cluster({ pods, namespaces: [prodNs], k8sPolicies: [orPeers] }),
        probe('ops/tool', 'shop/api', 80),
      ),
    ).toBe(true);
    // podSelector alone stays in the policy's namespace: ops/tool has app=web but is elsewhere.
    const sameNs = k8sPolicy('shop/web-only', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
    });
    const c = cluster({ pods, namespaces: [prodNs], k8sPolicies: [sameNs] });
    expect(allowed(c, probe('ops/tool', 'shop/api', 80))).toBe(false);
    expect(allowed(c, probe('shop/web', 'shop/api', 80))).toBe(true);
  });

  it('matches named ports by name and protocol on the destination pod, and endPort ranges', () => {
    const named = k8sPolicy('shop/named', { ingress: [{ ports: [tcp('http')] }] });
    const c = cluster({ pods: [web, api], k8sPolicies: [named] });
    expect(allowed(c, probe('shop/api', 'shop/web', 8080))).toBe(true);
    expect(allowed(c, probe('shop/api', 'shop/web', 80))).toBe(false);
    const udpNamed = k8sPolicy('shop/dns', { ingress: [{ ports: [tcp('dns')] }] });
    // api declares dns as UDP; a TCP rule naming it matches nothing.
    expect(
      allowed(
        cluster({ pods: [web, api], k8sPolicies: [udpNamed] }),
        probe('shop/web', 'shop/api', 53, 'UDP'),
      ),
    ).toBe(false);
    const range = k8sPolicy('shop/range', { ingress: [{ ports: [tcp(8000, 8100)] }] });
    const r = cluster({ pods: [web, api], k8sPolicies: [range] });
    expect(allowed(r, probe('shop/api', 'shop/web', 8000))).toBe(true);
    expect(allowed(r, probe('shop/api', 'shop/web', 8100))).toBe(true);
    expect(allowed(r, probe('shop/api', 'shop/web', 8101))).toBe(false);
    expect(allowed(r, probe('shop/api', 'shop/web', 8050, 'UDP'))).toBe(false);
  });

  it('distinguishes UDP and SCTP from TCP', () => {
    const sctp = k8sPolicy('shop/sctp', { ingress: [{ ports: [port('SCTP', 9000)] }] });
    const c = cluster({ pods: [web, api], k8sPolicies: [sctp] });
    expect(allowed(c, probe('shop/web', 'shop/api', 9000, 'SCTP'))).toBe(true);
    expect(allowed(c, probe('shop/web', 'shop/api', 9000, 'TCP'))).toBe(false);
    expect(allowed(c, probe('shop/web', 'shop/api', 9000, 'UDP'))).toBe(false);
  });

  it('applies ipBlock with except, to outside addresses and pod addresses alike', () => {
    const block = k8sPolicy('shop/block', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [
        { peers: [{ ipBlock: { cidr: cidr('10.0.0.0/8'), except: [cidr('10.244.0.0/24')] } }] },
      ],
    });
    const c = cluster({ pods: [web, api], k8sPolicies: [block] });
    expect(allowed(c, probe('ip:10.9.9.9', 'shop/api', 80))).toBe(true);
    expect(allowed(c, probe('ip:11.0.0.1', 'shop/api', 80))).toBe(false);
    // web is 10.244.0.x: inside the except.
    expect(allowed(c, probe('shop/web', 'shop/api', 80))).toBe(false);
  });

  it('judges egress at the source and needs both directions', () => {
    const egressOnly = k8sPolicy('shop/egress', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['egress'],
      egress: [
        { peers: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [port('UDP', 53)] },
      ],
    });
    const c = cluster({ pods: [web, api], k8sPolicies: [egressOnly] });
    expect(allowed(c, probe('shop/web', 'shop/api', 53, 'UDP'))).toBe(true);
    expect(verdict(c, probe('shop/web', 'shop/api', 80), 'egress')).toMatchObject({
      allowed: false,
    });
    expect(verdict(c, probe('shop/web', 'ip:1.1.1.1', 53, 'UDP'), 'egress')).toMatchObject({
      allowed: false,
    });
  });

  it("ignores staged policies and the other namespace's policies", () => {
    const staged = k8sPolicy('shop/staged', { ingress: [], staged: true });
    const other = k8sPolicy('ops/deny', { ingress: [] });
    expect(
      allowed(
        cluster({ pods: [web, api, ops], k8sPolicies: [staged, other] }),
        probe('shop/web', 'shop/api', 80),
      ),
    ).toBe(true);
  });

  it("always allows a pod's own node and the pod itself", () => {
    const c = cluster({
      pods: [web, api],
      k8sPolicies: [k8sPolicy('shop/deny-all', { ingress: [] })],
    });
    expect(verdict(c, probe('ip:192.168.0.11', 'shop/api', 80), 'ingress')).toMatchObject({
      allowed: true,
      reason: expect.stringContaining('node a pod runs on'),
    });
    // Another node's address is an ordinary, unselected source.
    expect(verdict(c, probe('ip:192.168.0.10', 'shop/api', 80), 'ingress')).toMatchObject({
      allowed: false,
    });
    expect(allowed(c, probe('shop/api', 'shop/api', 80))).toBe(true);
  });
});
