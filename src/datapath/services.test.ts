import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Service, ServicePort } from '../engine/model';
import { cluster, pod, POS } from '../test/builders';
import {
  chooseBackend,
  kubeProxyTrace,
  kubeSvcChain,
  portProtoHash,
  serviceBackends,
  statisticProbability,
  toBase32,
} from './services';

const svc = (
  ns: string,
  name: string,
  ports: ServicePort[],
  selector: Record<string, string>,
): Service => ({
  ref: { kind: 'Service', namespace: ns, name, pos: POS },
  namespace: ns,
  name,
  clusterIP: '10.96.0.20',
  selector,
  ports,
  assigned: [],
});

describe('kube-proxy chain names', () => {
  it('encodes base32 as Go StdEncoding does (RFC 4648 test vectors)', () => {
    const enc = (s: string) => toBase32(new TextEncoder().encode(s));
    expect(enc('')).toBe('');
    expect(enc('f')).toBe('MY======');
    expect(enc('fo')).toBe('MZXQ====');
    expect(enc('foobar')).toBe('MZXW6YTBOI======');
  });

  it('matches chain names seen on real clusters', () => {
    // These names appear in every kubeadm cluster's iptables-save (kube-system DNS and the API).
    expect(portProtoHash('default/kubernetes:https', 'TCP')).toBe('NPX46M4PTMTKRN6Y');
    expect(portProtoHash('kube-system/kube-dns:dns', 'UDP')).toBe('TCOU7JCQXEZGVUNU');
    expect(portProtoHash('kube-system/kube-dns:dns-tcp', 'TCP')).toBe('ERIFXISQEP7F7OF4');
  });

  it('hashes "ns/name" without a port name and the lower-cased protocol', () => {
    const s = svc('shop', 'backend', [{ port: 80, targetPort: 8080, protocol: 'TCP' }], {});
    const expected = createHash('sha256').update('shop/backendtcp').digest();
    expect(kubeSvcChain(s, s.ports[0]!)).toBe(`KUBE-SVC-${toBase32(expected).slice(0, 16)}`);
  });

  it('writes rule i of n with probability 1/(n-i) and the last one unconditional', () => {
    expect(statisticProbability(0, 3)).toBe('0.3333333333');
    expect(statisticProbability(1, 3)).toBe('0.5000000000');
    const pods = [1, 2, 3].map((i) =>
      pod(`shop/web-${i}`, { labels: { app: 'web' }, node: i - 1 }),
    );
    const c = cluster({ pods });
    const s = svc('shop', 'web', [{ port: 80, targetPort: 8080, protocol: 'TCP' }], { app: 'web' });
    const backends = serviceBackends({ ...c, services: [s] }, s, s.ports[0]!);
    const trace = kubeProxyTrace({ ...c, services: [s] }, s, s.ports[0]!, backends, 2);
    expect(trace.svc.rules).toHaveLength(3);
    expect(trace.svc.rules[0]).toContain('--probability 0.3333333333');
    expect(trace.svc.rules[1]).toContain('--probability 0.5000000000');
    expect(trace.svc.rules[2]).not.toContain('statistic');
    expect(trace.sep.rules[1]).toContain(`DNAT --to-destination ${backends[2]!.ip}:8080`);
    expect(trace.servicesRule).toBe(
      `-A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment "shop/web cluster IP" -m tcp --dport 80 -j ${trace.svc.chain}`,
    );
  });
});

describe('service backends', () => {
  it('resolves a named targetPort per pod and skips pods without it', () => {
    const a = pod('shop/a', {
      labels: { app: 'x' },
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    const b = pod('shop/b', {
      labels: { app: 'x' },
      ports: [{ name: 'web', port: 9090, protocol: 'TCP' }],
    });
    const other = pod('other/c', {
      labels: { app: 'x' },
      ports: [{ name: 'http', port: 1, protocol: 'TCP' }],
    });
    const s = svc('shop', 'x', [{ port: 80, targetPort: 'http', protocol: 'TCP' }], { app: 'x' });
    const c = { ...cluster({ pods: [a, b, other] }), services: [s] };
    expect(serviceBackends(c, s, s.ports[0]!).map((x) => [x.pod.name, x.port])).toEqual([
      ['a', 8080],
    ]);
  });

  it('always sends one flow to the same backend, and spreads flows over all of them', () => {
    const pods = [1, 2, 3].map((i) => pod(`shop/web-${i}`, { labels: { app: 'web' } }));
    const s = svc('shop', 'web', [{ port: 80, targetPort: 80, protocol: 'TCP' }], { app: 'web' });
    const c = { ...cluster({ pods }), services: [s] };
    const backends = serviceBackends(c, s, s.ports[0]!);
    const flow = (sport: number) => ({
      protocol: 'TCP' as const,
      src: '10.244.9.9',
      sport,
      dst: '10.96.0.20',
      dport: 80,
    });
    expect(chooseBackend(backends, flow(40000))).toEqual(chooseBackend(backends, flow(40000)));
    const chosen = new Set(
      Array.from({ length: 60 }, (_, i) => chooseBackend(backends, flow(40000 + i))!.index),
    );
    expect(chosen.size).toBe(3);
    expect(chooseBackend([], flow(1))).toBeNull();
  });
});
