import { describe, expect, it } from 'vitest';
import { DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import { DEFAULT_VIEW, decodeView, encodeView, LINK_TEXT_MAX, type ViewState } from './viewState';

const KNOWN = ['seed-policies', 'two-node-basic', 'multi-rack'];

const full: ViewState = {
  scenarioId: 'multi-rack',
  scenarioText: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ünïcode-ok\n',
  calico: { dataplane: 'ebpf', peering: 'tor', encap: 'vxlan-crosssubnet', wireguard: true },
  cilium: {
    routing: 'native',
    kubeProxyReplacement: true,
    bpfMasquerade: true,
    encryption: 'ipsec',
  },
  packet: {
    from: 'demo/web-1',
    to: 'ip:8.8.8.8',
    port: 443,
    protocol: 'TCP',
    http: { method: 'GET', path: '/a:b?c=d' },
    reply: true,
  },
  step: 7,
  layout: 'cilium',
  panels: ['policies', 'matrix'],
  matrixPort: 8080,
  flows: {
    tab: 'map',
    observe: '--verdict DROPPED --to-label app=api',
    calicoFilter: 'action:Deny',
    mapCni: 'calico',
    traffic: '- {from: demo/web-1, to: ip:8.8.8.8, port: 53, protocol: UDP}\n',
  },
};

describe('view state in the URL', () => {
  it('round-trips every field, including an edited scenario', () => {
    const decoded = decodeView(encodeView(full), KNOWN);
    expect(decoded.problems).toEqual([]);
    expect(decoded.view).toEqual(full);
  });

  it('round-trips the default view and an empty query decodes to it', () => {
    expect(decodeView(encodeView(DEFAULT_VIEW), KNOWN)).toEqual({
      view: DEFAULT_VIEW,
      problems: [],
    });
    expect(decodeView('', KNOWN)).toEqual({ view: DEFAULT_VIEW, problems: [] });
  });

  it('keeps an edited scenario compact', () => {
    const big = { ...full, scenarioText: 'kind: Pod\n'.repeat(500) };
    expect(encodeView(big).length).toBeLessThan(big.scenarioText.length / 4);
  });

  it.each([
    ['scenario=nope', /unknown scenario "nope"/],
    ['calico=iptables.full-mesh.gre.plain', /unknown Calico routing "gre"/],
    ['cilium=vxlan.kpr.rot13', /unknown Cilium encryption "rot13"/],
    ['from=a/b&to=c/d&port=99999', /incomplete packet/],
    ['step=-2', /not a hop number/],
    ['panels=inspector,bogus', /unknown panel "bogus"/],
    ['yaml=%%%not-lz', /could not be decompressed/],
  ])('opens the default view and says why for %s', (query, why) => {
    const decoded = decodeView(query, KNOWN);
    expect(decoded.view).toEqual(DEFAULT_VIEW);
    expect(decoded.problems.join('; ')).toMatch(why);
  });
});

describe('view state: Cilium BPF masquerade and AWS ENI routing', () => {
  it('the URL round-trips both, and an old link without the masquerade token decodes as before', () => {
    const view = {
      ...DEFAULT_VIEW,
      cilium: { ...DEFAULT_CILIUM_CONFIG, routing: 'eni' as const, bpfMasquerade: true },
    };
    expect(decodeView(encodeView(view), ['seed-policies'])).toEqual({ view, problems: [] });
    const old = decodeView('cilium=native.kpr.wireguard', ['seed-policies']);
    expect(old.problems).toEqual([]);
    expect(old.rewritten).toBe(true);
    expect(old.view.cilium).toEqual({
      routing: 'native',
      kubeProxyReplacement: true,
      bpfMasquerade: false,
      encryption: 'wireguard',
    });
    expect(decodeView('cilium=vxlan.kpr.none.nat66', []).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/unknown Cilium masquerading "nat66"/)]),
    );
  });
});

describe('view state: CNI options as named tokens', () => {
  it('writes every option of the registry by name, readable in the link', () => {
    const query = encodeView(full);
    expect(query).toContain(
      'calico=dataplane:ebpf,encap:vxlan-crosssubnet,peering:tor,enc:wireguard',
    );
    expect(query).toContain('cilium=routing:native,kpr:on,masq:bpf,enc:ipsec');
    expect(query).toContain('panels=policies,matrix');
    expect(decodeView(query, KNOWN).rewritten).toBeUndefined();
  });

  it('reads tokens in any order, and an option a link leaves out keeps its default', () => {
    const decoded = decodeView('cilium=enc:wireguard,routing:geneve', KNOWN);
    expect(decoded.problems).toEqual([]);
    expect(decoded.view.cilium).toEqual({
      ...DEFAULT_CILIUM_CONFIG,
      routing: 'geneve',
      encryption: 'wireguard',
    });
  });

  it.each([
    ['cilium=routing:ipvlan', /unknown Cilium routing "ipvlan"/],
    ['cilium=warp:on', /unknown Cilium option "warp:on"/],
    ['calico=routing:ipip', /unknown Calico option "routing:ipip"/],
    ['calico=enc:ipsec', /unknown Calico WireGuard "ipsec"/],
  ])('opens the default view and says why for %s', (query, why) => {
    const decoded = decodeView(query, KNOWN);
    expect(decoded.view).toEqual(DEFAULT_VIEW);
    expect(decoded.problems.join('; ')).toMatch(why);
  });
});

describe('ICMP packets in the URL', () => {
  const icmp: ViewState = {
    ...full,
    packet: {
      from: 'demo/web-1',
      to: 'demo/web-2',
      port: 0,
      protocol: 'ICMP',
      icmp: { type: 13, code: 0 },
      reply: true,
    },
  };

  it('carry the type and code instead of a port, and round-trip', () => {
    const query = encodeView(icmp);
    expect(query).toContain('proto=ICMP&itype=13&icode=0');
    expect(query).not.toMatch(/(^|&)port=/);
    expect(decodeView(query, KNOWN)).toEqual({ view: icmp, problems: [] });
  });

  it('a link with proto=ICMP and no type walks an echo request; a bad type is reported', () => {
    const plain = decodeView('scenario=two-node-basic&from=a/b&to=c/d&proto=ICMP', KNOWN);
    expect(plain.view.packet).toEqual({
      from: 'a/b',
      to: 'c/d',
      port: 0,
      protocol: 'ICMP',
      icmp: { type: 8, code: 0 },
    });
    const bad = decodeView('scenario=two-node-basic&from=a/b&to=c/d&proto=ICMP&itype=300', KNOWN);
    expect(bad.problems.join(' ')).toMatch(/itype "300"/);
  });

  it('a TCP link reads as before', () => {
    const tcp = decodeView('scenario=two-node-basic&from=a/b&to=c/d&port=80&proto=TCP', KNOWN);
    expect(tcp.view.packet).toEqual({ from: 'a/b', to: 'c/d', port: 80, protocol: 'TCP' });
  });
});

describe('generated scenarios in the URL', () => {
  const token = 'pods:1000,nodes:10,ns:20,pol:10000,mix:40-30-30,seed:42';

  it('carries the generator’s options as the scenario, never its YAML', () => {
    const view: ViewState = { ...DEFAULT_VIEW, scenarioId: `gen:${token}` };
    const query = encodeView(view);
    expect(query).toContain(`scenario=gen:${token}`);
    expect(query).not.toContain('yaml=');
    expect(decodeView(query, ['seed-policies'])).toEqual({ view, problems: [] });
  });

  it('refuses a token with a bad value, saying which and why', () => {
    const bad = decodeView('scenario=gen:pods:1000,nodes:2,ns:20,pol:10,mix:40-30-30,seed:1', []);
    expect(bad.view).toBe(DEFAULT_VIEW);
    expect(bad.problems).toEqual([
      expect.stringMatching(/cannot be generated: 1,000 pods do not fit on 2 nodes/),
    ]);
    expect(decodeView('scenario=gen:pods:10', []).problems[0]).toMatch(
      /nodes, ns, pol, mix, seed are missing/,
    );
  });
});

describe('an edited text too long for a link', () => {
  it('is carried up to LINK_TEXT_MAX characters and left out above it, the rest of the view kept', () => {
    const at = (n: number) => `kind: Namespace\n#${'x'.repeat(n - 18)}\n`;
    expect(at(LINK_TEXT_MAX).length).toBe(LINK_TEXT_MAX);
    const fits = encodeView({ ...full, scenarioText: at(LINK_TEXT_MAX) });
    expect(decodeView(fits, KNOWN).view.scenarioText).toBe(at(LINK_TEXT_MAX));
    const over = encodeView({ ...full, scenarioText: at(LINK_TEXT_MAX + 1) });
    expect(over).not.toContain('yaml=');
    expect(decodeView(over, KNOWN)).toEqual({
      view: { ...full, scenarioText: null },
      problems: [],
    });
  });
});
