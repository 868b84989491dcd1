/**
 * lessons/seed-claims.yaml (issue 14): it passes the checker with the app's own link decoder, and it
 * covers every row of both seed articles' feature tables, their performance tables and their "when
 * to choose" lists. The rows below were copied by hand from the two articles
 * (../shared/seeds/000_661122f31632dce3.txt and 001_57ff5fb8c0af6387.txt): a row missing from the
 * file fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../engine/parse/yaml';
import { missingCells, walkQueryProblems, type SeedSection } from '../lessons/seedClaims';
import { checkSeedClaimsFile } from '../lessons/seedClaimsLoad';
import type { Lesson } from '../lessons/types';
import { decodeView } from '../store/viewState';

const EX = 'Calico vs Cilium: Architecture and Design Philosophy';
const QA = 'Calico vs. Cilium: How Do They Compare?';
const CALICO_CILIUM = ['Calico', 'Cilium'];

const SECTIONS: readonly SeedSection[] = [
  {
    article: EX,
    section: 'Throughput Benchmarks',
    rows: [
      'Pod-to-pod (same node)',
      'Pod-to-pod (cross-node)',
      'With NetworkPolicy (1 rule)',
      'With NetworkPolicy (100 rules)',
    ],
    columns: ['Calico', 'Cilium (VXLAN)', 'Cilium (Native)'],
  },
  {
    article: EX,
    section: 'Latency Benchmarks (p99)',
    rows: ['No NetworkPolicy', '10 NetworkPolicies', '100 NetworkPolicies', '1000 NetworkPolicies'],
    columns: ['Calico', 'Cilium (eBPF)'],
  },
  {
    article: EX,
    section: 'CPU Usage',
    rows: [
      'Idle cluster (100 nodes, 1000 pods)',
      'Heavy traffic (10 Gbps)',
      'Policy updates (adding 100 policies)',
    ],
    columns: CALICO_CILIUM,
  },
  {
    article: EX,
    section: 'Core Features',
    rows: [
      'CNI compliance',
      'NetworkPolicy API',
      'IPv4/IPv6 dual-stack',
      'Native routing',
      'Overlay networking',
      'Encryption',
      'Service load balancing',
    ],
    columns: CALICO_CILIUM,
  },
  {
    article: EX,
    section: 'Advanced Features',
    rows: [
      'Layer 7 policy',
      'eBPF datapath',
      'kube-proxy replacement',
      'Multi-cluster networking',
      'Observability (Hubble)',
      'Service mesh (no sidecar)',
      'Bandwidth management',
      'Windows nodes',
    ],
    columns: CALICO_CILIUM,
  },
  {
    article: EX,
    section: 'Security Features',
    rows: [
      'Pod identity (mTLS)',
      'DNS-aware policy',
      'Egress gateway',
      'Threat detection',
      'Network flow logs',
    ],
    columns: CALICO_CILIUM,
  },
  {
    article: EX,
    section: 'Choose Calico if',
    rows: [
      'You have BGP-capable network infrastructure',
      'Windows node support required',
      'Simpler operations preferred',
      'Conservative approach',
    ],
  },
  {
    article: EX,
    section: 'Choose Cilium if',
    rows: [
      'Performance critical (low latency, high throughput)',
      'Many NetworkPolicies (100+)',
      'Layer 7 policies needed',
      'Advanced observability required',
      'Service mesh without sidecars',
    ],
  },
  {
    article: EX,
    section: 'Decision Matrix',
    rows: [
      'BGP datacenter network',
      'Windows nodes',
      'Layer 7 policy',
      'Observability (Hubble)',
      'Low latency (<1ms p99)',
      'Many policies (>100)',
      'Conservative operations',
      'Service mesh (no sidecar)',
    ],
    columns: CALICO_CILIUM,
  },
  {
    article: QA,
    section: 'Feature Comparison',
    rows: [
      'Dataplane',
      'Network Policy',
      'L7 Policy',
      'Encryption',
      'Observability',
      'Service mesh',
      'BGP support',
      'kube-proxy replacement',
      'Multi-cluster',
      'Minimum kernel',
    ],
    columns: CALICO_CILIUM,
  },
  {
    article: QA,
    section: 'Performance',
    rows: [
      'Service routing',
      'Throughput (10K Services)',
      'Connection setup latency',
      'CPU overhead',
    ],
    columns: ['iptables (Calico)', 'eBPF (Calico)', 'eBPF (Cilium)'],
  },
  {
    article: QA,
    section: 'When to Choose Calico',
    rows: [
      'Established environments with proven Calico deployments',
      'BGP peering with physical network infrastructure',
      'Older kernels (< 4.19) that cannot run eBPF',
      'Windows node support required',
      'Simplicity',
    ],
  },
  {
    article: QA,
    section: 'When to Choose Cilium',
    rows: [
      'Large clusters where iptables performance degrades (1000+ Services)',
      'L7 network policy requirements (HTTP, gRPC, Kafka)',
      'Deep observability needs without deploying additional tools',
      'Sidecar-less service mesh',
      'Transparent encryption between Pods without application changes',
      'Modern kernel available (5.10+ recommended)',
    ],
  },
];

/** The lessons' ids and step counts, read from their steps.yaml (the full lesson check is elsewhere). */
function lessonSteps(): Lesson[] {
  return readdirSync('lessons')
    .filter((d) => /^\d{2}-/.test(d))
    .map((id) => {
      const doc = parseYamlFile(readFileSync(`lessons/${id}/steps.yaml`, 'utf8'), id).documents[0];
      const steps = (doc?.value as { steps?: unknown[] } | undefined)?.steps ?? [];
      return { id, steps } as unknown as Lesson;
    });
}

describe('lessons/seed-claims.yaml', () => {
  const scenarios = readdirSync('lessons/scenarios')
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => n.slice(0, -5));
  const { claims, problems } = checkSeedClaimsFile(
    'lessons',
    lessonSteps(),
    (q) => decodeView(q, scenarios).problems,
  );

  it('passes the checker (fields, verdicts, sources, links into the app)', () => {
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)).toEqual([]);
  });

  it('covers every row of both articles’ feature and performance tables and choice lists', () => {
    expect(missingCells(claims?.claims ?? [], SECTIONS)).toEqual([]);
  });

  it('claims only cells that exist in those tables (no misspelt rows)', () => {
    const known = new Set(
      SECTIONS.flatMap((s) =>
        s.rows.flatMap((r) =>
          (s.columns ?? ['']).map((c) => [s.article, s.section, r, c].join('|')),
        ),
      ),
    );
    const stray = (claims?.claims ?? []).filter(
      (c) => !known.has([c.article, c.section, c.row, c.column ?? ''].join('|')),
    );
    expect(stray.map((c) => c.id)).toEqual([]);
  });

  it('keeps the issue’s examples: Calico flow logs dated, Calico L7 simplified, kernels dated', () => {
    const byId = new Map((claims?.claims ?? []).map((c) => [c.id, c]));
    expect(byId.get('ex-sec-flow-calico')?.verdict).toBe('dated');
    expect(byId.get('ex-adv-l7-calico')?.verdict).toBe('simplified');
    expect(byId.get('qa-feat-kernel-calico')?.verdict).toBe('dated');
    expect(byId.get('qa-feat-kernel-cilium')?.verdict).toBe('dated');
  });

  it('checks walk links in Node the way the app decodes them (walkQueryProblems vs decodeView)', () => {
    const queries = [
      ...(claims?.claims ?? [])
        .filter((c) => c.see.startsWith('#/walk?'))
        .map((c) => c.see.slice('#/walk?'.length)),
      'scenario=nope',
      'scenario=seed-policies&calico=dataplane:bogus',
      'scenario=seed-policies&cilium=routing:carrier-pigeon',
      'scenario=seed-policies&from=shop/frontend&port=99999',
      'scenario=seed-policies&from=shop/frontend&to=shop/api&port=80&proto=ICMP',
      'scenario=seed-policies&layout=sideways&panels=inspector,nope&step=-1&mport=0',
    ];
    expect(queries.length).toBeGreaterThan(6);
    for (const q of queries) {
      expect({ q, problems: walkQueryProblems(q, scenarios) }).toEqual({
        q,
        problems: decodeView(q, scenarios).problems,
      });
    }
  });
});
