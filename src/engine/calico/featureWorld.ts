/**
 * The small cluster the Calico feature tests share (features.test.ts, ordering.test.ts), and `check`,
 * which runs one probe through the reference and the iptables model and throws when they disagree.
 */
import type { Cluster, Protocol } from '../model';
import { calicoModelDecision, compileCalico, type CalicoDataplane } from './iptables';
import { calicoReferenceDecision } from './reference';
import { cluster, namespace, pod, probe, type ClusterSpec } from './testkit';

const compiled = new WeakMap<Cluster, CalicoDataplane>();

/** Both paths for one probe; fails when they disagree. */
export function check(
  c: Cluster,
  from: string,
  to: string,
  port: number,
  protocol: Protocol = 'TCP',
) {
  const p = probe(c, from, to, port, protocol);
  let dp = compiled.get(c);
  if (!dp) compiled.set(c, (dp = compileCalico(c)));
  const ref = calicoReferenceDecision(c, p);
  const model = calicoModelDecision(dp, p);
  if (model.allowed !== ref.allowed)
    throw new Error(
      `the model and the reference disagree\nreference: ${ref.reason}\nmodel: ${model.reason}\nat ${model.decidedAt}`,
    );
  return { ref, model, allowed: ref.allowed };
}

export const PODS = [
  pod('shop/web', {
    ip: '10.244.1.5',
    node: 'node-1',
    labels: { app: 'web' },
    serviceAccount: 'frontend',
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  }),
  pod('shop/api', {
    ip: '10.244.1.6',
    node: 'node-1',
    labels: { app: 'api' },
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  }),
  pod('shop/db', {
    ip: '10.244.2.6',
    node: 'node-2',
    labels: { app: 'db' },
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  }),
  pod('other/client', {
    ip: '10.244.2.7',
    node: 'node-2',
    labels: { app: 'client' },
    serviceAccount: 'frontend',
  }),
];

export const NAMESPACES = [
  namespace('shop', { team: 'shop' }),
  namespace('other', { team: 'other' }),
];

export const world = (spec: Omit<ClusterSpec, 'pods'> = {}): Cluster =>
  cluster({ pods: PODS, namespaces: NAMESPACES, ...spec });

export const fromWeb = { action: 'Allow' as const, source: { selector: "app == 'web'" } };
