/**
 * Lint: each check fires on the mistake, at the line of the field, and stays silent on the correct
 * form; the lesson links point at the steps that teach the point.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LINT_LESSONS, LINT_MAX_POLICIES, lintManifests, type LintCheck } from './lint';
import type { Diagnostic } from './model';
import { loadManifests } from './parse/load';

const BASE = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
status: {podIP: 10.244.0.5}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{containerPort: 8080}]}]}
status: {podIP: 10.244.0.6}
`;
const BASE_LINES = BASE.split('\n').length; // the policy's first line is BASE_LINES + 1

/** The lint warnings for BASE plus one policy text, after checking it loads without errors. */
function lint(policy: string): Diagnostic[] {
  const files = [{ name: 'l.yaml', text: `${BASE}---\n${policy}` }];
  const { cluster, diagnostics } = loadManifests(files);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const out = lintManifests(files, cluster);
  for (const d of out) expect(d.severity).toBe('warning');
  return out;
}
const only = (ds: readonly Diagnostic[], check: LintCheck) => ds.filter((d) => d.lint === check);
/** The line of a policy text's `n`th line (1-based) in the file. */
const line = (n: number) => BASE_LINES + n;

const K8S = (spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: shop}
spec:
${spec}`;

describe('peers-or: namespaceSelector and podSelector as two items', () => {
  it('fires at the podSelector item', () => {
    const d = only(
      lint(
        K8S(`  podSelector: {matchLabels: {app: web}}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {team: a}}
        - podSelector: {matchLabels: {app: api}}
`),
      ),
      'peers-or',
    );
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      field: 'spec.ingress[0].from[1]',
      object: 'NetworkPolicy shop/np',
    });
    expect(d[0]!.pos.line).toBe(line(9));
    expect(d[0]!.message).toMatch(
      /from\[0\] \(namespaceSelector\) and from\[1\] \(podSelector\) are two peers, ORed/,
    );
  });

  it('is silent on one item with both (AND)', () => {
    const d = lint(
      K8S(`  podSelector: {matchLabels: {app: web}}
  egress:
    - to:
        - namespaceSelector: {matchLabels: {team: a}}
          podSelector: {matchLabels: {app: api}}
`),
    );
    expect(only(d, 'peers-or')).toEqual([]);
  });
});

describe('ports-apart: ports in a rule of their own', () => {
  it('fires at the ports of the rule without from', () => {
    const d = only(
      lint(
        K8S(`  podSelector: {matchLabels: {app: web}}
  ingress:
    - from:
        - podSelector: {matchLabels: {app: api}}
    - ports:
        - port: 80
`),
      ),
      'ports-apart',
    );
    expect(d).toHaveLength(1);
    expect(d[0]!.field).toBe('spec.ingress[1].ports');
    expect(d[0]!.pos.line).toBe(line(9));
    expect(d[0]!.message).toMatch(/opens these ports to every source, while ingress\[0\] allows/);
  });

  it('is silent when ports sit with from', () => {
    const d = lint(
      K8S(`  podSelector: {matchLabels: {app: web}}
  ingress:
    - from:
        - podSelector: {matchLabels: {app: api}}
      ports:
        - port: 80
`),
    );
    expect(only(d, 'ports-apart')).toEqual([]);
  });
});

describe('ports inside a from item', () => {
  it('is a load error that says where ports belongs (lint never runs on it)', () => {
    const files = [
      {
        name: 'p.yaml',
        text: `${BASE}---\n${K8S(`  podSelector: {}
  ingress:
    - from:
        - podSelector: {matchLabels: {app: api}}
        - ports: [{port: 80}]
`)}`,
      },
    ];
    const errors = loadManifests(files).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.field, d.pos.line, d.message])).toEqual([
      [
        'spec.ingress[0].from[1]',
        line(9),
        'Required value: must specify a peer: ports belongs to the rule, next to from/to (one "-" for both), not in a peer item',
      ],
    ]);
  });
});

describe('empty-selector: what {} selects', () => {
  it('says podSelector: {} is every pod of the namespace and namespaceSelector: {} every namespace', () => {
    const d = only(
      lint(
        K8S(`  podSelector: {}
  ingress:
    - from:
        - namespaceSelector: {}
`),
      ),
      'empty-selector',
    );
    expect(d.map((x) => [x.field, x.pos.line])).toEqual([
      ['spec.podSelector', line(5)],
      ['spec.ingress[0].from[0].namespaceSelector', line(8)],
    ]);
    expect(d[0]!.message).toMatch(/every pod in namespace shop/);
    expect(d[1]!.message).toMatch(/every pod in every namespace/);
  });

  it('says what a Cilium endpointSelector: {} covers, and is silent on labelled selectors', () => {
    const cnp = (sel: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp, namespace: shop}
spec:
  endpointSelector: ${sel}
  ingress:
    - fromEndpoints: [${sel}]
`;
    const d = only(lint(cnp('{}')), 'empty-selector');
    expect(d.map((x) => x.field)).toEqual([
      'spec.endpointSelector',
      'spec.ingress[0].fromEndpoints[0]',
    ]);
    expect(d[0]!.message).toMatch(/every endpoint in namespace shop/);
    expect(only(lint(cnp('{matchLabels: {app: web}}')), 'empty-selector')).toEqual([]);
  });
});

describe('cilium-empty-rule: ingress: [{}]', () => {
  const cnp = (rule: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
    - ${rule}
`;
  it('fires at the rule, with the lesson on default deny', () => {
    const d = only(lint(cnp('{}')), 'cilium-empty-rule');
    expect(d).toHaveLength(1);
    expect(d[0]!.pos.line).toBe(line(7));
    expect(d[0]!.message).toMatch(
      /allows nothing in Cilium, it only turns on default deny for ingress/,
    );
    expect(d[0]!.lesson?.href).toBe('#/lessons/07-policy-in-ebpf/10');
  });
  it('says an empty rule changes nothing when default deny is turned off', () => {
    const d = only(
      lint(cnp('{}').replace('spec:\n', 'spec:\n  enableDefaultDeny: {ingress: false}\n')),
      'cilium-empty-rule',
    );
    expect(d.map((x) => x.message)).toEqual([
      expect.stringMatching(
        /allows nothing in Cilium, and with enableDefaultDeny.ingress: false it changes nothing/,
      ),
    ]);
  });
  it('is silent on a rule that names its peers', () => {
    expect(only(lint(cnp('fromEntities: [all]')), 'cilium-empty-rule')).toEqual([]);
  });
});

describe('where a policy is written', () => {
  it('finds a policy inside a List and each spec of a Cilium policy with specs', () => {
    const d = lint(`apiVersion: v1
kind: List
items:
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: multi, namespace: shop}
    specs:
      - endpointSelector: {matchLabels: {app: web}}
        ingress: [{fromEntities: [all]}]
      - endpointSelector: {matchLabels: {app: web}}
        egress: [{}]
`);
    expect(d.map((x) => [x.lint, x.field, x.pos.line, x.pos.column])).toEqual([
      ['cilium-empty-rule', 'specs[1].egress[0]', line(11), 18],
    ]);
  });
});

describe('calico-equal-order: the same order in one tier', () => {
  const two = (
    orderA: number,
    orderB: number,
    selB = "app == 'web'",
  ) => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: a, namespace: shop}
spec: {selector: app == 'web', order: ${orderA}}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: b, namespace: shop}
spec:
  selector: ${selB}
  order: ${orderB}
`;
  it('fires at the later one by name, naming the earlier', () => {
    const d = only(lint(two(10, 10)), 'calico-equal-order');
    expect(d).toHaveLength(1);
    expect(d[0]!.object).toBe('NetworkPolicy shop/b');
    expect(d[0]!.pos.line).toBe(line(11));
    expect(d[0]!.message).toMatch(
      /NetworkPolicy shop\/a in tier default, and both select shop\/web: Calico then takes them by name, then namespace \(NetworkPolicy shop\/a first\)/,
    );
    expect(d[0]!.lesson?.href).toBe('#/lessons/06-policy-in-iptables/8');
  });
  it('is silent with different orders, or when they select no pod in common', () => {
    expect(only(lint(two(10, 20)), 'calico-equal-order')).toEqual([]);
    expect(only(lint(two(10, 10, "app == 'api'")), 'calico-equal-order')).toEqual([]);
  });
  it('says which comes first as Felix 3.32 does: by name, then namespace', () => {
    const d = only(
      lint(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: d}
spec: {selector: app == 'web', order: 10}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: a, namespace: shop}
spec: {selector: app == 'web', order: 10}
`),
      'calico-equal-order',
    );
    // "a/shop/NetworkPolicy" < "d//GlobalNetworkPolicy" (the pre-3.32 key "shop/a" sorted after "d").
    expect(d.map((x) => [x.object, x.pos.line])).toEqual([['GlobalNetworkPolicy d', line(4)]]);
    expect(d[0]!.message).toMatch(/\(NetworkPolicy shop\/a first\)/);
  });
  it('counts a Kubernetes NetworkPolicy as order 1000 in tier default', () => {
    const d = only(
      lint(`${K8S(`  podSelector: {matchLabels: {app: web}}\n  ingress: [{}]\n`)}---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: c, namespace: shop}
spec: {selector: app == 'web', order: 1000}
`),
      'calico-equal-order',
    );
    expect(d.map((x) => x.object)).toEqual(['NetworkPolicy shop/c']);
    expect(d[0]!.message).toMatch(
      /NetworkPolicy shop\/np in tier default.*\(NetworkPolicy shop\/c first\)/,
    );
  });
});

describe('selects-no-pod', () => {
  it('fires at the selector of each dialect when no pod matches', () => {
    const d = only(
      lint(`${K8S('  podSelector: {matchLabels: {app: webb}}\n')}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp, namespace: shop}
spec: {endpointSelector: {matchLabels: {app: nothing}}, ingress: [{fromEntities: [all]}]}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: cal, namespace: other}
spec: {selector: app == 'web'}
`),
      'selects-no-pod',
    );
    expect(d.map((x) => [x.object, x.field])).toEqual([
      ['NetworkPolicy shop/np', 'spec.podSelector'],
      ['CiliumNetworkPolicy shop/cnp', 'spec.endpointSelector'],
      ['NetworkPolicy other/cal', 'spec.selector'],
    ]);
    expect(d[0]!.pos.line).toBe(line(5));
    expect(d[2]!.message).toMatch(/no pod in namespace other matches "app == 'web'"/);
    expect(d[0]!.lesson?.href).toBe('#/lessons/06-policy-in-iptables/11');
  });
  it('is silent when the selector matches a pod', () => {
    expect(only(lint(K8S('  podSelector: {matchLabels: {app: web}}\n')), 'selects-no-pod')).toEqual(
      [],
    );
  });
});

describe('named-port-undeclared', () => {
  const np = (port: string) =>
    K8S(`  podSelector: {matchLabels: {app: web}}
  ingress:
    - ports:
        - port: ${port}
`);
  it('fires at a named port no selected pod declares', () => {
    const d = only(lint(np('htp')), 'named-port-undeclared');
    expect(d).toHaveLength(1);
    expect(d[0]!.field).toBe('spec.ingress[0].ports[0].port');
    expect(d[0]!.pos.line).toBe(line(8));
    expect(d[0]!.message).toMatch(
      /no pod this policy selects declares a container port named "htp" \(TCP\)/,
    );
  });
  it('is silent when a selected pod declares it, and for numbers', () => {
    expect(only(lint(np('http')), 'named-port-undeclared')).toEqual([]);
    expect(only(lint(np('8080')), 'named-port-undeclared')).toEqual([]);
  });
  it('checks Cilium toPorts and Calico destination ports too', () => {
    const d = only(
      lint(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress:
    - toPorts: [{ports: [{port: http}]}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: cal, namespace: shop}
spec:
  selector: app == 'web'
  ingress:
    - action: Allow
      protocol: TCP
      destination: {ports: [http, metrics]}
`),
      'named-port-undeclared',
    );
    // The api pod declares no "http"; the web pod declares "http" but no "metrics".
    expect(d.map((x) => x.field)).toEqual([
      'spec.ingress[0].toPorts[0].ports[0].port',
      'spec.ingress[0].destination.ports[1]',
    ]);
  });
});

describe('large clusters', () => {
  it(`lints nothing above ${LINT_MAX_POLICIES} policies`, () => {
    const policy = (i: number) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: shop}\nspec: {podSelector: {}}\n`;
    const make = (n: number) => {
      const files = [
        {
          name: 'big.yaml',
          text: `${BASE}---\n${Array.from({ length: n }, (_, i) => policy(i)).join('---\n')}`,
        },
      ];
      return lintManifests(files, loadManifests(files).cluster);
    };
    expect(make(3).map((d) => d.lint)).toEqual([
      'empty-selector',
      'empty-selector',
      'empty-selector',
    ]);
    expect(make(LINT_MAX_POLICIES + 1)).toEqual([]);
  });
});

describe('lesson links', () => {
  it('each points at the step that teaches it', () => {
    for (const link of Object.values(LINT_LESSONS)) {
      const m = /^#\/lessons\/([^/]+)\/(\d+)$/.exec(link.href);
      expect(m).not.toBeNull();
      const steps = (
        parse(readFileSync(`lessons/${m![1]}/steps.yaml`, 'utf8')) as { steps: { id: string }[] }
      ).steps;
      expect(steps[Number(m![2]) - 1]?.id).toBe(link.stepId);
    }
  });
});

describe('the lessons’ own scenarios', () => {
  it('find nothing wrong in the seed scenario', () => {
    const text = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
    const files = [{ name: 's.yaml', text }];
    expect(lintManifests(files, loadManifests(files).cluster)).toEqual([]);
  });
});
