/**
 * The shape of the compiled tables, as iptables-save prints them. Expected lines are written from
 * Felix's sources (felix/rules/endpoints.go, policy.go, static.go, dispatch.go), not from output.
 */
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../model';
import { calicoStats, compileCalico, iptablesSave } from './iptables';
import { calicoInterfaceName } from './names';
import { namedPortIpSetName, selectorIpSetName } from './selector';
import { calicoPolicy, cluster, k8sPolicy, pod } from './testkit';

const web = pod('shop/web', { ip: '10.244.1.5', node: 'node-1', labels: { app: 'web' } });
const db = pod('shop/db', {
  ip: '10.244.2.6',
  node: 'node-2',
  labels: { app: 'db' },
  ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
});

/** The `-A <chain>` lines of one chain, without the `-A <chain> ` prefix. */
function chainLines(save: string, chain: string): string[] {
  const prefix = `-A ${chain} `;
  return save
    .split('\n')
    .filter((l) => l.startsWith(prefix) || l === `-A ${chain}`)
    .map((l) => l.slice(prefix.length));
}

const save = (c: Cluster, node: string) => iptablesSave(compileCalico(c), { node });

describe('endpoint chains', () => {
  const c = cluster({
    pods: [web, db],
    calicoPolicies: [
      calicoPolicy('shop/db-in', {
        selector: "app == 'db'",
        ingress: [
          {
            action: 'Allow',
            protocol: 'TCP',
            source: { selector: "app == 'web'" },
            destination: { ports: ['pg'] },
          },
        ],
      }),
    ],
  });
  const dbIface = calicoInterfaceName('shop', 'db');

  it('cali-tw-: conntrack, clear marks, one tier with its end-of-tier drop, then the profiles', () => {
    expect(chainLines(save(c, 'node-2'), `cali-tw-${dbIface}`)).toEqual([
      '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-m conntrack --ctstate INVALID -j DROP',
      '-j MARK --set-xmark 0x0/0x30000',
      '-m comment --comment "Start of tier default" -j MARK --set-xmark 0x0/0x20000',
      '-m mark --mark 0x0/0x20000 -j cali-pi-np/shop/db-in',
      '-m comment --comment "Return if policy accepted" -m mark --mark 0x10000/0x10000 -j RETURN',
      '-m comment --comment "End of tier default. Drop if no policies passed packet" -m mark --mark 0x0/0x20000 -j DROP',
      '-j cali-pri-kns.shop',
      '-m comment --comment "Return if profile accepted" -m mark --mark 0x10000/0x10000 -j RETURN',
      '-j cali-pri-ksa.shop.default',
      '-m comment --comment "Return if profile accepted" -m mark --mark 0x10000/0x10000 -j RETURN',
      '-m comment --comment "Drop if no profiles matched" -j DROP',
    ]);
  });

  it('cali-fw-: drops VXLAN and IPIP a pod sends, and has no tier when no egress policy applies', () => {
    const lines = chainLines(save(c, 'node-2'), `cali-fw-${dbIface}`);
    expect(lines).toContain(
      '-p udp -m comment --comment "Drop VXLAN encapped packets originating in workloads" -m multiport --dports 4789 -j DROP',
    );
    expect(lines).toContain(
      '-p ipencap -m comment --comment "Drop IPinIP encapped packets originating in workloads" -j DROP',
    );
    expect(lines.some((l) => l.includes('Start of tier'))).toBe(false);
  });

  it('the policy chain matches the IP sets named from the canonical selectors', () => {
    // rules.go: a namespaced policy's rule selector becomes "(<namespace>) && (<selector>)".
    const source = selectorIpSetName('(projectcalico.org/namespace == "shop" && app == "web")');
    // rule_scanner.go: with only named ports, the destination named port set replaces the
    // selector set; with no destination selector it is filtered by all().
    const pg = namedPortIpSetName('all()', 'TCP', 'pg');
    expect(chainLines(save(c, 'node-2'), 'cali-pi-np/shop/db-in')).toEqual([
      `-p tcp -m comment --comment "NetworkPolicy shop/db-in ingress" -m set --match-set ${source} src -m set --match-set ${pg} dst,dst -j MARK --set-xmark 0x10000/0x10000`,
    ]);
    const withSets = iptablesSave(compileCalico(c), { node: 'node-2', ipsets: true });
    expect(withSets).toContain(`add ${source} 10.244.1.5`);
    expect(withSets).toContain(`add ${pg} 10.244.2.6,tcp:5432`);
    expect(withSets).toContain(`create ${pg} hash:ip,port`);
  });

  it('a node holds only its own endpoints and the policies they use', () => {
    const node1 = save(c, 'node-1');
    expect(node1).toContain(`:cali-tw-${calicoInterfaceName('shop', 'web')} - [0:0]`);
    expect(node1).not.toContain(dbIface);
    expect(node1).not.toContain('cali-pi-np/shop/db-in');
  });
});

describe('rule actions as Felix renders them', () => {
  const c = cluster({
    pods: [web, db],
    calicoPolicies: [
      calicoPolicy('shop/actions', {
        selector: "app == 'db'",
        ingress: [
          { action: 'Log', protocol: 'UDP' },
          { action: 'Pass', protocol: 'SCTP' },
          { action: 'Deny', source: { nets: ['8.8.8.0/24'] } },
          { action: 'Allow' },
        ],
      }),
    ],
  });

  it('Log, Pass, Deny with the drop mark, Allow with its trailing RETURN stripped', () => {
    expect(chainLines(save(c, 'node-2'), 'cali-pi-np/shop/actions')).toEqual([
      '-p udp -m comment --comment "NetworkPolicy shop/actions ingress" -j LOG --log-prefix "calico-packet: " --log-level 5',
      '-p sctp -j MARK --set-xmark 0x20000/0x20000',
      '-m mark --mark 0x20000/0x20000 -j RETURN',
      '-s 8.8.8.0/24 -j MARK --set-xmark 0x40000/0x40000',
      '-m mark --mark 0x40000/0x40000 -j DROP',
      '-j MARK --set-xmark 0x10000/0x10000',
    ]);
  });

  it('a policy without rules keeps one empty rule carrying its comment', () => {
    const d = cluster({
      pods: [web, db],
      calicoPolicies: [calicoPolicy('shop/none', { selector: "app == 'db'" })],
    });
    expect(chainLines(save(d, 'node-2'), 'cali-pi-np/shop/none')).toEqual([
      '-m comment --comment "NetworkPolicy shop/none ingress"',
    ]);
  });

  it('several nets need match blocks on the scratch bits', () => {
    const d = cluster({
      pods: [web, db],
      calicoPolicies: [
        calicoPolicy('shop/nets', {
          selector: "app == 'db'",
          ingress: [
            {
              action: 'Allow',
              source: { nets: ['10.0.0.0/8', '192.168.0.0/16'], notNets: ['10.244.0.0/16'] },
            },
          ],
        }),
      ],
    });
    expect(chainLines(save(d, 'node-2'), 'cali-pi-np/shop/nets')).toEqual([
      '-m comment --comment "NetworkPolicy shop/nets ingress" -j MARK --set-xmark 0x0/0x180000',
      '-s 10.0.0.0/8 -j MARK --set-xmark 0x80000/0x80000',
      '-s 192.168.0.0/16 -j MARK --set-xmark 0x80000/0x80000',
      '! -s 10.244.0.0/16 -m mark --mark 0x80000/0x80000 -j MARK --set-xmark 0x10000/0x10000',
    ]);
  });
});

describe('Kubernetes NetworkPolicy conversion', () => {
  const knp = k8sPolicy('shop/db-from-web', {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [
      {
        peers: [
          { podSelector: { matchLabels: { app: 'web' } } },
          {
            ipBlock: {
              cidr: { base: 0x08000000, prefix: 8, text: '8.0.0.0/8' },
              except: [{ base: 0x08080800, prefix: 24, text: '8.8.8.0/24' }],
            },
          },
        ],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 5432 },
        ],
      },
    ],
  });

  it('one rule per protocol (sorted) and per peer, pod selectors scoped to k8s endpoints of the namespace', () => {
    const c = cluster({ pods: [web, db], k8sPolicies: [knp] });
    const peer = selectorIpSetName(
      '(projectcalico.org/namespace == "shop" && (projectcalico.org/orchestrator == "k8s" && app == "web"))',
    );
    // The ipBlock peer has one net and one except: two source matches, so the except goes into a
    // negated match block that starts with the "all blocks" scratch bit set and clears it.
    const ipBlock = (proto: string, port: number) => [
      '-j MARK --set-xmark 0x80000/0x180000',
      '-s 8.8.8.0/24 -j MARK --set-xmark 0x0/0x80000',
      `-s 8.0.0.0/8 -p ${proto} -m multiport --dports ${port} -m mark --mark 0x80000/0x80000 -j MARK --set-xmark 0x10000/0x10000`,
    ];
    const allowed = '-m mark --mark 0x10000/0x10000 -j RETURN';
    expect(chainLines(save(c, 'node-2'), 'cali-pi-knp/shop/db-from-web')).toEqual([
      `-p tcp -m comment --comment "KubernetesNetworkPolicy shop/db-from-web ingress" -m set --match-set ${peer} src -m multiport --dports 5432 -j MARK --set-xmark 0x10000/0x10000`,
      allowed,
      ...ipBlock('tcp', 5432),
      allowed,
      `-p udp -m set --match-set ${peer} src -m multiport --dports 53 -j MARK --set-xmark 0x10000/0x10000`,
      allowed,
      ...ipBlock('udp', 53),
    ]);
  });

  it('policies with the same selector in a row share a policy group chain', () => {
    const same = (name: string) =>
      k8sPolicy(`shop/${name}`, { podSelector: { matchLabels: { app: 'db' } }, ingress: [{}] });
    const c = cluster({ pods: [web, db], k8sPolicies: ['a', 'b', 'c', 'd', 'e', 'f'].map(same) });
    const text = save(c, 'node-2');
    const group = /-j (cali-gi-[A-Za-z0-9_-]{20})/.exec(text)?.[1];
    expect(group).toBeDefined();
    // endpoints.go PolicyGroupToIptablesChains: a RETURN on verdict every 5 jumps.
    expect(chainLines(text, group!)).toEqual([
      '-j cali-pi-knp/shop/a',
      '-m mark --mark 0x0/0x30000 -j cali-pi-knp/shop/b',
      '-m mark --mark 0x0/0x30000 -j cali-pi-knp/shop/c',
      '-m mark --mark 0x0/0x30000 -j cali-pi-knp/shop/d',
      '-m mark --mark 0x0/0x30000 -j cali-pi-knp/shop/e',
      '-m comment --comment "Return on verdict" -m mark ! --mark 0x0/0x30000 -j RETURN',
      '-j cali-pi-knp/shop/f',
    ]);
  });
});

describe('static and dispatch chains', () => {
  const many = Array.from({ length: 40 }, (_, i) =>
    pod(`shop/p${i}`, { ip: `10.244.1.${10 + i}`, node: 'node-1', labels: { app: 'x' } }),
  );
  const c = cluster({ pods: many });
  const text = save(c, 'node-1');

  it('cali-FORWARD clears the marks but accept, then dispatches by interface', () => {
    expect(chainLines(text, 'cali-FORWARD')).toEqual([
      '-j MARK --set-xmark 0x0/0x1a0000',
      '-m mark --mark 0x0/0x10000 -j cali-from-hep-forward',
      '-i cali+ -j cali-from-wl-dispatch',
      '-o cali+ -j cali-to-wl-dispatch',
      '-j cali-to-hep-forward',
      '-j cali-cidr-block',
    ]);
    expect(chainLines(text, 'FORWARD')).toContain(
      '-m comment --comment "Policy explicitly accepted packet." -m mark --mark 0x10000/0x10000 -j ACCEPT',
    );
    expect(chainLines(text, 'cali-OUTPUT')).toContain('-o cali+ -j RETURN');
  });

  it('splits the dispatch chain on the next character of the interface names', () => {
    const root = chainLines(text, 'cali-from-wl-dispatch');
    expect(root[root.length - 1]).toBe('-m comment --comment "Unknown interface" -j DROP');
    const children = root.flatMap(
      (l) => /^-i (cali[0-9a-f])\+ -g (cali-from-wl-dispatch-[0-9a-f])$/.exec(l) ?? [],
    );
    expect(children.length).toBeGreaterThan(0);
    for (const l of root.slice(0, -1))
      expect(l).toMatch(
        /^-i cali[0-9a-f]+\+? -g cali-(from-wl-dispatch-[0-9a-f]|fw-cali[0-9a-f]{11})$/,
      );
    const child = /-g (cali-from-wl-dispatch-[0-9a-f])/.exec(root.join('\n'))![1]!;
    const childLines = chainLines(text, child);
    expect(childLines.length).toBeGreaterThan(2);
    expect(childLines[childLines.length - 1]).toBe(
      '-m comment --comment "Unknown interface" -j DROP',
    );
  });

  it('counts what the kernels hold', () => {
    const stats = calicoStats(compileCalico(c));
    expect(stats.ipsets).toBe(0);
    expect(stats.chains).toBeGreaterThan(80);
    expect(stats.rules).toBeGreaterThan(stats.chains);
  });
});

describe('iptables-save output', () => {
  it('prints every node one after another, each a complete filter table', () => {
    const text = iptablesSave(compileCalico(cluster({ pods: [web, db] })));
    expect(text.match(/^\*filter$/gm)).toHaveLength(2);
    expect(text.match(/^COMMIT$/gm)).toHaveLength(2);
    expect(text).toContain('# PacketWalk model of the filter table on node-1 (192.168.1.10)');
    expect(text).toContain('# PacketWalk model of the filter table on node-2 (192.168.1.11)');
    expect(text.indexOf('node-1')).toBeLessThan(text.indexOf('node-2'));
  });

  it('labels the dump with the exact Calico version whose comments and policy IDs it prints', () => {
    const text = save(cluster({ pods: [web, db] }), 'node-1');
    const header = text.split('\n').filter((l) => l.startsWith('#'));
    expect(header[0]).toBe(
      '# PacketWalk model of the filter table on node-1 (192.168.1.10): reproduces Calico v3.32 (Felix iptables dataplane, default configuration).',
    );
    expect(header.join('\n')).not.toContain('v3.30+');
    expect(header[1]).toContain('knp/ policy IDs');
    expect(header[1]).toContain('v3.30 and v3.31 print "Policy <id> ingress"');
  });

  it('declares built-in chains with their policy and Calico chains with "-", sorted', () => {
    const text = save(cluster({ pods: [web, db] }), 'node-1');
    const declared = text.split('\n').filter((l) => l.startsWith(':'));
    expect(declared.slice(0, 3)).toEqual([
      ':INPUT ACCEPT [0:0]',
      ':FORWARD ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
    ]);
    const names = declared.slice(3).map((l) => l.slice(1, -' - [0:0]'.length));
    expect(names).toEqual([...names].sort());
    expect(names).toContain('cali-FORWARD');
  });
});
