/**
 * Test worlds for the Calico flow-log tests: the seed scenario, and lesson 6's tiers with more
 * policy added (a tier whose default action is Pass holding two policies, a staged policy, an egress deny), each run
 * through both CNIs under a chosen Calico dataplane.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadManifests } from '../engine/parse/load';
import { createEngine, type Engine } from '../engine/verdict';
import { engineFor } from './scenarios';
import {
  DEFAULT_CALICO_CONFIG,
  DEFAULT_CILIUM_CONFIG,
  type CalicoDataplaneMode,
} from '../datapath/config';
import type { PacketSpec } from '../datapath/packet';
import { runTraffic } from '../datapath/flows/run';
import { generateTraffic } from '../datapath/flows/traffic';
import type { TrafficConnection, TrafficRun } from '../datapath/flows/types';

/** Added to lesson 6's tiers.yaml (shop: frontend, debug on node-1; backend, database on node-2). */
const TIERS_EXTRA = `
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata:
  name: audit
spec:
  order: 50
  defaultAction: Pass
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: audit.watch-db
spec:
  tier: audit
  selector: app == "database"
  types: [Ingress]
  ingress:
    - action: Deny
      source:
        selector: app == "nothing"
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: audit.zz-watch-db
spec:
  tier: audit
  selector: app == "database"
  types: [Ingress]
  ingress:
    - action: Deny
      source:
        selector: app == "nothing-either"
---
apiVersion: projectcalico.org/v3
kind: StagedGlobalNetworkPolicy
metadata:
  name: security.no-frontend
spec:
  tier: security
  order: 5
  stagedAction: Set
  selector: app == "backend"
  types: [Ingress]
  ingress:
    - action: Deny
      source:
        selector: app == "frontend"
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: debug-egress
  namespace: shop
spec:
  selector: app == "debug"
  types: [Egress]
  egress:
    - action: Deny
      destination:
        selector: app == "frontend"
    - action: Allow
`;

let tiersEngine: Engine | undefined;
export function tiersWorld(): Engine {
  if (tiersEngine) return tiersEngine;
  const text = readFileSync('lessons/06-policy-in-iptables/tiers.yaml', 'utf8') + TIERS_EXTRA;
  const { cluster, diagnostics } = loadManifests([{ name: 'tiers+.yaml', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return (tiersEngine = createEngine(cluster));
}

export const seedWorld = (): Engine => engineFor('seed-policies.yaml');

const tcp = (from: string, to: string, port: number): TrafficConnection => ({
  packet: { from, to, port, protocol: 'TCP' } satisfies PacketSpec,
  kind: 'listed',
});

/** Listed on top of the generated traffic of the tiers world: same node, egress deny, nodes. */
export const TIERS_LISTED: readonly TrafficConnection[] = [
  tcp('shop/frontend', 'shop/debug', 80),
  tcp('shop/debug', 'shop/frontend', 80),
  // Nodes: node-1 (frontend's own) and node-2.
  tcp('shop/frontend', 'ip:192.168.1.5', 10250),
  tcp('shop/frontend', 'ip:192.168.1.10', 10250),
];

const runs = new WeakMap<Engine, Map<string, TrafficRun>>();
export function runOf(
  engine: Engine,
  dataplane: CalicoDataplaneMode,
  listed: readonly TrafficConnection[] = [],
): TrafficRun {
  let byKey = runs.get(engine);
  if (!byKey) runs.set(engine, (byKey = new Map()));
  const key = `${dataplane}|${listed.length}`;
  let run = byKey.get(key);
  if (!run) {
    const connections = [...generateTraffic(engine.cluster).connections, ...listed];
    run = runTraffic(
      engine,
      { calico: { ...DEFAULT_CALICO_CONFIG, dataplane }, cilium: DEFAULT_CILIUM_CONFIG },
      connections,
    );
    byKey.set(key, run);
  }
  return run;
}
