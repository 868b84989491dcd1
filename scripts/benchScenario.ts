/**
 * The `npm run bench` cluster as YAML: nodes, namespaces, pods and policies (Kubernetes, Cilium and
 * Calico dialects mixed), seeded, so bench.ts and any profiling script load the same text.
 */
import { stringify } from 'yaml';

/** A seeded generator (the bench's linear congruential one): `rand(n)` is in [0, n). */
export function seeded(seed: number): (n: number) => number {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s % n;
  };
}

const NAMESPACES = 20;
const NODES = 10;
const APPS = 100;

/** The YAML text of the bench cluster: `pods` pods, `policies` policies, drawn from `rand`. */
export function scenario(pods: number, policies: number, rand: (n: number) => number): string {
  const docs: unknown[] = [];
  for (let n = 0; n < NODES; n++) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${n}` },
      spec: { podCIDR: `10.${100 + n}.0.0/16` },
      status: { addresses: [{ type: 'InternalIP', address: `192.168.0.${10 + n}` }] },
    });
  }
  for (let n = 0; n < NAMESPACES; n++) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `ns-${n}`, labels: { team: `t${n % 5}` } },
    });
  }
  for (let p = 0; p < pods; p++) {
    const node = p % NODES;
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `pod-${p}`,
        namespace: `ns-${p % NAMESPACES}`,
        labels: { app: `app-${p % APPS}`, tier: p % 3 === 0 ? 'front' : 'back' },
      },
      spec: {
        nodeName: `node-${node}`,
        containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }],
      },
      status: { podIP: `10.${100 + node}.${Math.floor(p / 250)}.${(p % 250) + 2}` },
    });
  }
  for (let i = 0; i < policies; i++) {
    const ns = `ns-${rand(NAMESPACES)}`;
    const target = `app-${rand(APPS)}`;
    const peer = `app-${rand(APPS)}`;
    const port = 8000 + rand(200);
    switch (i % 4) {
      case 0:
      case 1:
        docs.push({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: `knp-${i}`, namespace: ns },
          spec: {
            podSelector: { matchLabels: { app: target } },
            ingress: [
              { from: [{ podSelector: { matchLabels: { app: peer } } }], ports: [{ port }] },
            ],
          },
        });
        break;
      case 2:
        docs.push({
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { name: `cnp-${i}`, namespace: ns },
          spec: {
            endpointSelector: { matchLabels: { app: target } },
            ingress: [
              {
                fromEndpoints: [{ matchLabels: { app: peer } }],
                toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' }] }],
              },
            ],
          },
        });
        break;
      default:
        docs.push({
          apiVersion: 'projectcalico.org/v3',
          kind: 'NetworkPolicy',
          metadata: { name: `cnp-${i}`, namespace: ns },
          spec: {
            order: rand(2000),
            selector: `app == '${target}'`,
            ingress: [
              {
                action: 'Allow',
                protocol: 'TCP',
                source: { selector: `app == '${peer}'` },
                destination: { ports: [port] },
              },
            ],
          },
        });
    }
  }
  return docs.map((d) => stringify(d)).join('---\n');
}
