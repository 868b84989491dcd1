import { describe, expect, it } from 'vitest';
import { errorsOf, load, only, warningsOf } from './testing';

describe('Pod', () => {
  it('reads labels, node, IP, service account and container ports (protocol defaults to TCP)', () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        namespace: shop
        labels: {app: web, tier: front}
      spec:
        nodeName: n1
        serviceAccountName: web-sa
        containers:
        - name: main
          image: nginx
          ports:
          - {name: http, containerPort: 80}
          - {name: dns, containerPort: 53, protocol: UDP}
        - name: sidecar
          ports:
          - containerPort: 9090
      status:
        podIP: 10.244.0.7
        phase: Running
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(r.cluster.pods[0]).toMatchObject({
      namespace: 'shop',
      name: 'web',
      labels: { app: 'web', tier: 'front' },
      nodeName: 'n1',
      ip: '10.244.0.7',
      serviceAccount: 'web-sa',
      ports: [
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
        { port: 9090, protocol: 'TCP' },
      ],
      assigned: [],
    });
  });

  it('drops an unknown container port field with a did-you-mean warning; the port is then missing', () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers:
        - name: main
          ports:
          - contanerPort: 80
    `);
    const w = only(warningsOf(r), 'spec.containers[0].ports[0].contanerPort');
    expect(w.pos).toEqual({ file: 't.yaml', line: 8, column: 7 });
    expect(w.message).toContain('Did you mean `containerPort`?');
    // Dropped, the port has no containerPort, which the API server requires.
    expect(errorsOf(r).map((d) => `${d.field}: ${d.message}`)).toEqual([
      'spec.containers[0].ports[0].containerPort: is required',
    ]);
  });

  it('validates port numbers, IANA port names, protocols and duplicate names', () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers:
        - name: a
          ports:
          - {containerPort: 70000}
          - {containerPort: 80, name: HTTP}
          - {containerPort: 81, name: web, protocol: ICMP}
        - name: b
          ports:
          - {containerPort: 82, name: web}
    `);
    const msgs = errorsOf(r).map((d) => `${d.field}: ${d.message}`);
    expect(msgs).toEqual([
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), must contain at least one letter (a-z)',
      'spec.containers[0].ports[2].protocol: "ICMP" is not a supported protocol (TCP, UDP, SCTP)',
      'spec.containers[1].ports[0].name: Duplicate value: "web" (already used at 10:27)',
    ]);
  });

  it('warns about a misspelt PodSpec field but never about valid fields it ignores', () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        nodename: n1
        restartPolicy: Always
        tolerations: []
        containers: [{name: a, image: x, resources: {}, livenessProbe: {}}]
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(only(warningsOf(r), 'spec.nodename').pos).toEqual({
      file: 't.yaml',
      line: 5,
      column: 3,
    });
    expect(r.cluster.pods[0]!.assigned).toContain('nodeName');
  });

  it('takes the IPv4 address from status.podIPs and warns about IPv6', () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec: {containers: [{name: a}]}
      status:
        podIPs: [{ip: "fd00::5"}, {ip: 10.244.0.9}]
    `);
    expect(r.cluster.pods[0]!.ip).toBe('10.244.0.9');
    expect(only(warningsOf(r), 'status.podIPs[0].ip').message).toContain('IPv6');
  });
});

describe('Node', () => {
  it('reads the InternalIP and podCIDR, and gets the hostname label the kubelet sets', () => {
    const r = load(`
      apiVersion: v1
      kind: Node
      metadata:
        name: n1
        labels: {zone: a}
      spec:
        podCIDR: 10.244.3.0/24
      status:
        capacity: {cpu: "4"}
        addresses:
        - {type: Hostname, address: n1}
        - {type: InternalIP, address: 192.168.7.1}
    `);
    expect(r.diagnostics).toEqual([]);
    expect(r.cluster.nodes[0]).toMatchObject({
      name: 'n1',
      internalIP: '192.168.7.1',
      podCIDR: { text: '10.244.3.0/24' },
      labels: { zone: 'a', 'kubernetes.io/hostname': 'n1' },
      assigned: [],
    });
  });

  it('drops unknown address fields (warning) and refuses unknown address types', () => {
    const r = load(`
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status:
        addresses:
        - {type: InternalIp, adress: 192.168.7.1}
    `);
    expect(only(warningsOf(r), 'status.addresses[0].adress').message).toContain(
      'Did you mean `address`?',
    );
    expect(errorsOf(r).map((d) => `${d.field}: ${d.message}`)).toEqual([
      'status.addresses[0].type: Unsupported value: "InternalIp": supported values: "Hostname", "InternalIP", "ExternalIP", "InternalDNS", "ExternalDNS"',
      'status.addresses[0].address: is required',
    ]);
  });

  it('uses spec.podCIDRs when spec.podCIDR is absent', () => {
    const r = load(`
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      spec: {podCIDRs: ["fd00:1::/64", 10.244.9.0/24]}
      status: {addresses: [{type: InternalIP, address: 192.168.0.2}]}
    `);
    expect(r.cluster.nodes[0]!.podCIDR.text).toBe('10.244.9.0/24');
    expect(errorsOf(r)).toEqual([]);
  });
});

describe('Service', () => {
  it('defaults targetPort to port and protocol to TCP; keeps named target ports', () => {
    const r = load(`
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        clusterIP: 10.96.5.5
        selector: {app: web}
        ports:
        - {name: http, port: 80, targetPort: http}
        - {name: metrics, port: 9100, protocol: UDP}
    `);
    expect(r.diagnostics).toEqual([]);
    expect(r.cluster.services[0]).toMatchObject({
      clusterIP: '10.96.5.5',
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9100, targetPort: 9100, protocol: 'UDP' },
      ],
    });
  });

  it('keeps headless Services, has selector null when absent, skips ExternalName', () => {
    const r = load(`
      apiVersion: v1
      kind: Service
      metadata: {name: headless}
      spec: {clusterIP: None, ports: [{port: 80}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: ext}
      spec: {type: ExternalName, externalName: example.com}
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(r.cluster.services.map((s) => [s.name, s.clusterIP, s.selector])).toEqual([
      ['headless', 'None', null],
    ]);
    expect(only(warningsOf(r), 'spec.type').message).toContain('ExternalName');
  });

  it('drops unknown port fields (warning) and requires names on multi-port Services', () => {
    const r = load(`
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        ports:
        - {port: 80, target: 8080}
        - {port: 81, targetPort: Bad_Name}
    `);
    expect(only(warningsOf(r), 'spec.ports[0].target').pos).toMatchObject({ line: 6, column: 16 });
    expect(errorsOf(r).map((d) => `${d.pos.line}:${d.pos.column} ${d.field}`)).toEqual([
      '6:5 spec.ports[0].name',
      '7:5 spec.ports[1].name',
      '7:16 spec.ports[1].targetPort',
    ]);
  });
});

describe('Namespace and ServiceAccount', () => {
  it('keeps labels and adds kubernetes.io/metadata.name', () => {
    const r = load(`
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: a}}
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: api, namespace: shop, labels: {role: api}}
    `);
    expect(r.diagnostics).toEqual([]);
    expect(r.cluster.namespaces[0]!.labels).toEqual({
      team: 'a',
      'kubernetes.io/metadata.name': 'shop',
    });
    expect(r.cluster.serviceAccounts).toMatchObject([
      { namespace: 'shop', name: 'api', labels: { role: 'api' }, implied: false },
      { namespace: 'shop', name: 'default', implied: true },
    ]);
  });

  it('refuses label values Kubernetes refuses (unquoted numbers, bad characters)', () => {
    const r = load(`
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels: {tier: 1, "bad key!": x}
    `);
    expect(errorsOf(r).map((d) => d.field)).toEqual([
      'metadata.labels.tier',
      'metadata.labels.bad key!',
    ]);
  });
});
