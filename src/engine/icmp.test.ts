/**
 * ICMP through every verdict path: the Kubernetes reference, Calico's reference and Felix iptables
 * model (with the rules as Felix renders them), Cilium's reference and eBPF model (with the policy
 * map keys). Sources are cited in calico/icmp.ts and cilium/icmp.ts.
 */
import { describe, expect, it } from 'vitest';
import { iptablesSave } from './calico/iptablesSave';
import { formatPolicyMap } from './cilium/dump';
import type { IcmpTypeCode, Probe } from './model';
import { loadManifests } from './parse/load';
import { createEngine, evaluateProbe, type Engine, type ProbeVerdict } from './verdict';

const PODS = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Node
metadata: {name: node-1}
spec: {podCIDR: 10.244.0.0/24}
status: {addresses: [{type: InternalIP, address: 192.168.0.10}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-2}
spec: {podCIDR: 10.244.1.0/24}
status: {addresses: [{type: InternalIP, address: 192.168.0.11}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {nodeName: node-1, containers: [{name: c, image: x}]}
status: {podIP: 10.244.0.5}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: shop, labels: {app: server}}
spec: {nodeName: node-2, containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
status: {podIP: 10.244.1.5}
`;

function engine(policies: string): Engine {
  const { cluster, diagnostics } = loadManifests([
    { name: 'icmp.yaml', text: `${PODS}---\n${policies}` },
  ]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return createEngine(cluster);
}

const icmpProbe = (type: number, code = 0): Probe => ({
  from: { pod: 'shop/client' },
  to: { pod: 'shop/server' },
  port: 0,
  protocol: 'ICMP',
  icmp: { type, code },
});
const tcpProbe: Probe = {
  from: { pod: 'shop/client' },
  to: { pod: 'shop/server' },
  port: 80,
  protocol: 'TCP',
};

function verdict(e: Engine, probe: Probe): ProbeVerdict {
  const r = evaluateProbe(e, probe);
  if (!r.ok) throw new Error(r.error);
  return r.verdict;
}

/** [calico reference, calico iptables, cilium reference, cilium eBPF]. */
function paths(e: Engine, probe: Probe): boolean[] {
  const v = verdict(e, probe);
  return [v.calico.reference, v.calico.model, v.cilium.reference, v.cilium.model].map(
    (d) => d.allowed,
  );
}
const calicoPaths = (e: Engine, p: Probe) => paths(e, p).slice(0, 2);
const ciliumPaths = (e: Engine, p: Probe) => paths(e, p).slice(2);

const calicoPolicy = (rule: string) => `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: icmp, namespace: shop}
spec:
  selector: app == 'server'
  types: [Ingress]
  ingress:
  - ${rule}
`;

describe('probes', () => {
  it('resolve ICMP without a port, echo request by default, and refuse out-of-range fields', () => {
    const e = engine('');
    const v = verdict(e, { ...icmpProbe(8), icmp: undefined } as Probe);
    expect(v.resolved.icmp).toEqual<IcmpTypeCode>({ type: 8, code: 0 });
    expect(v.resolved.port).toBe(0);
    const bad = evaluateProbe(e, icmpProbe(256));
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toContain('ICMP type 256');
  });
});

describe('Calico icmp / notICMP', () => {
  it('icmp {type} matches that type with any code, and nothing else, in both paths', () => {
    const e = engine(calicoPolicy('{action: Allow, protocol: ICMP, icmp: {type: 8}}'));
    expect(calicoPaths(e, icmpProbe(8, 0))).toEqual([true, true]);
    expect(calicoPaths(e, icmpProbe(8, 5))).toEqual([true, true]);
    expect(calicoPaths(e, icmpProbe(0))).toEqual([false, false]);
    expect(calicoPaths(e, tcpProbe)).toEqual([false, false]);
    expect(iptablesSave(e.calico())).toContain(
      '-A cali-pi-np/shop/icmp -p icmp -m comment --comment "NetworkPolicy shop/icmp ingress" -m icmp --icmp-type 8 -j MARK --set-xmark 0x10000/0x10000',
    );
  });

  it('icmp {type, code} needs both, rendered as T/C', () => {
    const e = engine(calicoPolicy('{action: Allow, protocol: ICMP, icmp: {type: 3, code: 4}}'));
    expect(calicoPaths(e, icmpProbe(3, 4))).toEqual([true, true]);
    expect(calicoPaths(e, icmpProbe(3, 3))).toEqual([false, false]);
    expect(iptablesSave(e.calico())).toContain('-m icmp --icmp-type 3/4 -j MARK');
  });

  it('notICMP excludes the type (and code), negated as Felix writes it', () => {
    const e = engine(calicoPolicy('{action: Allow, protocol: ICMP, notICMP: {type: 8, code: 0}}'));
    expect(calicoPaths(e, icmpProbe(8, 0))).toEqual([false, false]);
    expect(calicoPaths(e, icmpProbe(8, 1))).toEqual([true, true]);
    expect(calicoPaths(e, icmpProbe(0))).toEqual([true, true]);
    expect(iptablesSave(e.calico())).toContain('-m icmp ! --icmp-type 8/0 -j MARK');
    const typeOnly = engine(calicoPolicy('{action: Allow, protocol: ICMP, notICMP: {type: 8}}'));
    expect(iptablesSave(typeOnly.calico())).toContain('-m icmp ! --icmp-type 8 -j MARK');
    expect(calicoPaths(typeOnly, icmpProbe(8, 3))).toEqual([false, false]);
  });

  it('protocol ICMP without icmp fields matches every ICMP type and no TCP', () => {
    const e = engine(calicoPolicy('{action: Allow, protocol: ICMP, icmp: {}}'));
    expect(calicoPaths(e, icmpProbe(13))).toEqual([true, true]);
    expect(calicoPaths(e, tcpProbe)).toEqual([false, false]);
    expect(iptablesSave(e.calico())).not.toContain('--icmp-type');
  });

  it('a Deny on one type before an Allow of all ICMP', () => {
    const e = engine(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: icmp, namespace: shop}
spec:
  selector: app == 'server'
  types: [Ingress]
  ingress:
  - {action: Deny, protocol: ICMP, icmp: {type: 13}}
  - {action: Allow, protocol: ICMP}
`);
    expect(calicoPaths(e, icmpProbe(13))).toEqual([false, false]);
    expect(calicoPaths(e, icmpProbe(8))).toEqual([true, true]);
  });
});

describe('Kubernetes NetworkPolicy and ICMP', () => {
  const knp = (ingress: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: k, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: ${ingress}
`;
  it('a rule with ports never admits ICMP; a rule without ports admits every protocol', () => {
    const withPorts = engine(knp('[{ports: [{port: 80}]}]'));
    expect(paths(withPorts, icmpProbe(8))).toEqual([false, false, false, false]);
    expect(paths(withPorts, tcpProbe)).toEqual([true, true, true, true]);
    const noPorts = engine(knp('[{from: [{podSelector: {matchLabels: {app: client}}}]}]'));
    expect(paths(noPorts, icmpProbe(8))).toEqual([true, true, true, true]);
    expect(paths(noPorts, icmpProbe(13, 0))).toEqual([true, true, true, true]);
  });
});

describe('Cilium icmps', () => {
  const cnp = (rule: string) => `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: icmp, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
  - ${rule}
`;
  it('allows the listed types by type alone, keyed proto 1 with the type as the port', () => {
    const e = engine(
      cnp(
        '{fromEndpoints: [{matchLabels: {app: client}}], icmps: [{fields: [{type: EchoRequest}]}]}',
      ),
    );
    expect(ciliumPaths(e, icmpProbe(8, 0))).toEqual([true, true]);
    // The policy map key has no code: every code of type 8 passes.
    expect(ciliumPaths(e, icmpProbe(8, 7))).toEqual([true, true]);
    expect(ciliumPaths(e, icmpProbe(0))).toEqual([false, false]);
    expect(ciliumPaths(e, tcpProbe)).toEqual([false, false]);
    const dp = e.cilium();
    const ep = dp.endpoints.find((x) => x.pod === 'shop/server')!;
    const map = formatPolicyMap(dp, ep);
    expect(map).toMatch(
      /Allow\s+Ingress\s+k8s:app=client\s+8\/ICMP\s+NONE\s+disabled\s+-\s+-\s+24/,
    );
    const v = verdict(e, icmpProbe(8));
    expect(v.cilium.model.decidedAt).toContain('ICMP, 8}');
  });

  it('icmps without an L3 field applies to every peer; toPorts ANY never covers ICMP', () => {
    const any = engine(cnp('{icmps: [{fields: [{type: 8}]}]}'));
    expect(ciliumPaths(any, icmpProbe(8))).toEqual([true, true]);
    const ports = engine(cnp('{toPorts: [{ports: [{port: "0", protocol: ANY}]}]}'));
    expect(ciliumPaths(ports, icmpProbe(8))).toEqual([false, false]);
    expect(ciliumPaths(ports, tcpProbe)).toEqual([true, true]);
    const l3 = engine(cnp('{fromEndpoints: [{matchLabels: {app: client}}]}'));
    expect(ciliumPaths(l3, icmpProbe(13))).toEqual([true, true]);
  });

  it('a deny of an ICMP type wins; fragmentation-needed passes before any lookup', () => {
    const e = engine(`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: icmp, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: client}}]
  ingressDeny:
  - fromEndpoints: [{matchLabels: {app: client}}]
    icmps: [{fields: [{type: 8}]}]
`);
    expect(ciliumPaths(e, icmpProbe(8))).toEqual([false, false]);
    expect(ciliumPaths(e, icmpProbe(0))).toEqual([true, true]);
    const deny = engine(cnp('{toPorts: [{ports: [{port: "80", protocol: TCP}]}]}'));
    expect(ciliumPaths(deny, icmpProbe(3, 3))).toEqual([false, false]);
    expect(ciliumPaths(deny, icmpProbe(3, 4))).toEqual([true, true]);
    expect(verdict(deny, icmpProbe(3, 4)).cilium.model.decidedAt).toContain(
      'allow_icmp_frag_needed',
    );
  });
});
