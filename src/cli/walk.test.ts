import { describe, expect, it } from 'vitest';
import { cniOptions, CNIS } from '../datapath/options';
import { cilium } from '../test/scenarios';
import { runCli } from './testing';
import { parseWalkArgs } from './walk';

const SEED = 'lessons/scenarios/seed-policies.yaml';
const BASIC = 'lessons/scenarios/two-node-basic.yaml';

const run = (argv: string[]) => runCli(argv);

describe('cli walk', () => {
  it('walks a TCP Service in Calico eBPF mode through connect-time load balancing', () => {
    const r = run([
      'walk',
      SEED,
      '--cni',
      'calico',
      '--calico-dataplane',
      'ebpf',
      '--from',
      'shop/frontend',
      '--to',
      'svc:shop/backend',
      '--port',
      '80',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const hops = (JSON.parse(r.out) as { hops: { stage: string; where: string; match: string }[] })
      .hops;
    expect(hops[0]).toMatchObject({
      stage: 'service-lb',
      where: 'connect() in shop/frontend: cgroup/connect4 hook (calico_connect_v4)',
      match: 'connect(10.96.0.20:80) → connect(10.244.1.10:8080)',
    });
    expect(hops.map((h) => h.match).join('\n')).not.toMatch(/-A cali-INPUT|set-xmark 0x10000/);
  });

  it('prints the JSON shape of issue 5', () => {
    const r = run([
      'walk',
      BASIC,
      '--cni',
      'calico',
      '--from',
      'default/pod-a',
      '--to',
      'default/pod-c',
      '--port',
      '80',
      '--calico-encap',
      'ipip',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j).slice(0, 5)).toEqual(['cni', 'config', 'verdict', 'dropReason', 'hops']);
    expect(j).toMatchObject({
      cni: 'calico',
      config: { dataplane: 'iptables', peering: 'full-mesh', encap: 'ipip', wireguard: false },
      verdict: 'delivered',
      dropReason: null,
    });
    for (const hop of j.hops) {
      expect(Object.keys(hop).slice(0, 7)).toEqual([
        'stage',
        'node',
        'where',
        'table',
        'match',
        'headers',
        'cost',
      ]);
      expect(Object.keys(hop.cost)).toEqual(['rules', 'lookups']);
      for (const h of hop.headers)
        expect(Object.keys(h).slice(0, 5)).toEqual(['proto', 'src', 'dst', 'sport', 'dport']);
    }
    const ipip = j.hops.find((h: { stage: string }) => h.stage === 'encapsulation');
    expect(ipip.headers[0]).toMatchObject({
      proto: 'IPIP',
      sport: null,
      dport: null,
      ipProtocol: 4,
      bytes: 20,
    });
  });

  it('reports a drop and its reason in Cilium’s words', () => {
    const r = run([
      'walk',
      SEED,
      '--cni',
      'cilium',
      '--from',
      'shop/debug',
      '--to',
      'shop/backend',
      '--port',
      '8080',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe('dropped');
    expect(j.dropReason).toMatch(/^Policy denied \(133\)/);
    expect(j.config).toEqual({
      routing: 'vxlan',
      kubeProxyReplacement: false,
      bpfMasquerade: false,
      encryption: 'none',
    });
  });

  it('prints a numbered list of hops without --json', () => {
    const r = run([
      'walk',
      SEED,
      '--cni',
      'cilium',
      '--from',
      'shop/frontend',
      '--to',
      'shop/api',
      '--port',
      '8080',
      '--http',
      'GET:/api/v1/orders',
      '--cilium-routing',
      'geneve',
      '--kube-proxy-replacement',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^Cilium geneve tunnel, kube-proxy replacement on, BPF masquerade off, host routing legacy, encryption none$/m,
    );
    expect(r.out).toMatch(/^ 1\. \[in-pod\] node-1: eth0 in shop\/frontend/m);
    expect(r.out).toMatch(/cilium-envoy: listener cilium-http-ingress/);
    expect(r.out).toMatch(/^Verdict: delivered/m);
  });

  it('walks to a Service by name and picks it over a same-named pod when the port says so', () => {
    const r = run([
      'walk',
      SEED,
      '--cni',
      'calico',
      '--from',
      'shop/frontend',
      '--to',
      'shop/backend',
      '--port',
      '80',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.hops.some((h: { table: string }) => h.table.startsWith('KUBE-SEP-'))).toBe(true);
    expect(j.notes.join(' ')).toMatch(/names both a Pod and a Service/);
  });

  it.each([
    [['--from', 'shop/frontend', '--to', 'shop/api', '--port', '80'], /--cni is required/],
    [
      ['--cni', 'weave', '--from', 'shop/frontend', '--to', 'shop/api', '--port', '80'],
      /--cni: "weave" is not one of calico, cilium/,
    ],
    [
      ['--cni', 'calico', '--from', 'shop/frontend', '--to', 'shop/api', '--port', '99999'],
      /--port: "99999"/,
    ],
    [
      ['--cni', 'calico', '--from', 'shop/nope', '--to', 'shop/api', '--port', '80'],
      /error: from: unknown pod "shop\/nope"/,
    ],
    [
      [
        '--cni',
        'calico',
        '--from',
        'shop/frontend',
        '--to',
        'shop/api',
        '--port',
        '80',
        '--cilium-routing',
        'native',
      ],
      /--cilium-routing applies to --cni cilium only/,
    ],
    [
      [
        '--cni',
        'calico',
        '--from',
        'shop/frontend',
        '--to',
        'shop/api',
        '--port',
        '80',
        '--encryption',
        'ipsec',
      ],
      /Calico encrypts with WireGuard only/,
    ],
    [
      [
        '--cni',
        'cilium',
        '--from',
        'shop/frontend',
        '--to',
        'shop/api',
        '--port',
        '80',
        '--calico-encap',
        'vxlan',
      ],
      /--calico-encap applies to --cni calico only/,
    ],
    [
      [
        '--cni',
        'cilium',
        '--from',
        'shop/frontend',
        '--to',
        'shop/api',
        '--port',
        '80',
        '--http',
        'GET',
      ],
      /--http: "GET" is not METHOD:PATH/,
    ],
    [
      ['--cni', 'cilium', '--from', 'shop/frontend', '--to', 'svc:shop/backend', '--port', '8080'],
      /Service shop\/backend has no port 8080\/TCP \(its ports: 80\/TCP\)/,
    ],
    [
      ['--cni', 'cilium', '--from', 'shop/frontend', '--to', 'ip:300.1.1.1', '--port', '80'],
      /"300\.1\.1\.1" is not an IPv4 address/,
    ],
    [
      [
        '--cni',
        'cilium',
        '--from',
        'shop/frontend',
        '--to',
        'shop/api',
        '--port',
        '80',
        '--protocol',
        'ICMP',
      ],
      /--port: an ICMP packet has no ports/,
    ],
  ])('exits 2 on bad input %#', (args, message) => {
    const r = run(['walk', SEED, ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});

describe('cli walk: Cilium BPF masquerade and AWS ENI routing', () => {
  const base = ['f.yaml', '--cni', 'cilium', '--from', 'a/b', '--to', 'c/d', '--port', '80'];
  it('the CLI takes --cilium-routing eni and --bpf-masquerade, and refuses it for Calico', () => {
    const { config } = parseWalkArgs([
      ...base,
      '--cilium-routing',
      'eni',
      '--kube-proxy-replacement',
      '--bpf-masquerade',
    ]);
    expect(config).toEqual(
      cilium({ routing: 'eni', bpfMasquerade: true, kubeProxyReplacement: true }),
    );
    expect(() =>
      parseWalkArgs([...base.slice(0, 2), 'calico', ...base.slice(3), '--bpf-masquerade']),
    ).toThrow(/--bpf-masquerade applies to --cni cilium only/);
  });

  it('refuses --bpf-masquerade without --kube-proxy-replacement, as the agent does', () => {
    expect(() => parseWalkArgs([...base, '--bpf-masquerade'])).toThrow(
      /--bpf-masquerade: needs kube-proxy replacement: .*"BPF masquerade requires NodePort"/,
    );
  });
});

describe('cli walk: flags from the CNI options registry', () => {
  const base = ['f.yaml', '--from', 'a/b', '--to', 'c/d', '--port', '80'];

  it('--help lists every option of both tables with its values and help', () => {
    const r = run(['walk', '--help']);
    expect(r.code).toBe(0);
    for (const cni of CNIS) {
      for (const o of cniOptions(cni)) {
        expect(r.out).toContain(`--${o.flag}`);
        expect(r.out).toContain(o.help);
        if (o.cli === 'value')
          for (const v of o.values)
            expect(r.out).toMatch(new RegExp(`--${o.flag} [a-z|-]*\\b${v.token}\\b`));
      }
    }
  });

  it('reads every value of every option into the config', () => {
    for (const cni of CNIS) {
      for (const o of cniOptions(cni)) {
        for (const v of o.values) {
          const args =
            o.cli === 'switch'
              ? v.value === o.values[1]!.value
                ? [`--${o.flag}`]
                : []
              : [`--${o.flag}`, v.token];
          // An option that needs another one gets it (BPF masquerade: kube-proxy replacement).
          const extra =
            cni === 'cilium' && o.key === 'bpfMasquerade' ? ['--kube-proxy-replacement'] : [];
          const { config } = parseWalkArgs([...base, '--cni', cni, ...args, ...extra]);
          const cniConfig = config.cni === 'calico' ? config.calico : config.cilium;
          expect((cniConfig as unknown as Record<string, unknown>)[o.key]).toBe(v.value);
        }
      }
    }
  });
});

describe('cli walk --protocol ICMP', () => {
  it('walks an echo request with the ICMP header and no ports', () => {
    const r = run([
      'walk',
      BASIC,
      '--cni',
      'cilium',
      '--from',
      'default/pod-a',
      '--to',
      'default/pod-c',
      '--protocol',
      'ICMP',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('headers: ICMP echo-request (type 8, code 0) 10.244.0.5 → 10.244.1.10');
    expect(r.out).toContain('cilium_ct_any4_global');
    expect(r.out).not.toMatch(/10\.244\.1\.10:0/);
  });

  it('takes --icmp-type and --icmp-code, and --reply walks the matching reply', () => {
    const r = run([
      'walk',
      BASIC,
      '--cni',
      'calico',
      '--from',
      'default/pod-a',
      '--to',
      'default/pod-c',
      '--protocol',
      'icmp',
      '--icmp-type',
      '13',
      '--reply',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      hops: { headers: { icmpType?: number; sport: number | null }[] }[];
    };
    expect(json.hops[0]!.headers[0]).toMatchObject({
      proto: 'ICMP',
      icmpType: 14,
      icmpCode: 0,
      sport: null,
    });
    const p = parseWalkArgs([
      'f.yaml',
      '--cni',
      'calico',
      '--from',
      'a/b',
      '--to',
      'c/d',
      '--protocol',
      'ICMP',
      '--icmp-type',
      '8',
      '--icmp-code',
      '0',
    ]);
    expect(p.packet).toMatchObject({ protocol: 'ICMP', icmp: { type: 8, code: 0 }, port: 0 });
  });

  it('refuses --port with ICMP, and ICMP fields without ICMP', () => {
    const args = ['f.yaml', '--cni', 'calico', '--from', 'a/b', '--to', 'c/d'];
    expect(() => parseWalkArgs([...args, '--protocol', 'ICMP', '--port', '80'])).toThrow(
      /ICMP packet has no ports/,
    );
    expect(() => parseWalkArgs([...args, '--port', '80', '--icmp-type', '8'])).toThrow(
      /--icmp-type needs --protocol ICMP/,
    );
    expect(() => parseWalkArgs([...args, '--protocol', 'ICMP', '--icmp-type', '300'])).toThrow(
      /between 0 and 255/,
    );
    expect(() => parseWalkArgs([...args, '--port', '80'])).not.toThrow();
  });

  it('--help says how to walk ICMP', () => {
    const r = run(['walk', '--help']);
    expect(r.out).toContain('--protocol ICMP [--icmp-type T] [--icmp-code C]');
    expect(r.out).toMatch(/--icmp-type defaults to 8/);
  });
});
