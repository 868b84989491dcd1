import { describe, expect, it } from 'vitest';
import {
  endpointLabels,
  formatCiliumLabel,
  fromLabelSelector,
  isSecurityRelevant,
  labelSet,
  makeSelector,
  parseSelectorKey,
  scopePeerSelector,
  selectorMatches,
  subjectSelector,
  type CiliumLabel,
} from './labels';
import { ns, pod } from './testkit';

const k8s = (key: string, value = 'x'): CiliumLabel => ({ source: 'k8s', key, value });

describe('endpoint labels (SanitizePodLabels)', () => {
  it('adds namespace, namespace labels, service account and cluster to the pod labels', () => {
    const p = pod('shop/web', {
      labels: { app: 'web', 'io.cilium.k8s.policy.cluster': 'forged' },
      host: 5,
      serviceAccount: 'robot',
    });
    expect(endpointLabels(p, ns('shop', { team: 'red' })).map(formatCiliumLabel)).toEqual([
      'k8s:app=web',
      'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop',
      'k8s:io.cilium.k8s.namespace.labels.team=red',
      'k8s:io.cilium.k8s.policy.cluster=default',
      'k8s:io.cilium.k8s.policy.serviceaccount=robot',
      'k8s:io.kubernetes.pod.namespace=shop',
    ]);
  });
});

describe('the default identity label filter', () => {
  it('drops Kubernetes-owned and per-replica labels but keeps app.kubernetes.io and namespace labels', () => {
    const kept = [
      'app',
      'app.kubernetes.io/name',
      'io.kubernetes.pod.namespace',
      'io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name',
      'io.cilium.k8s.policy.serviceaccount',
      'io.cilium.k8s.policy.cluster',
    ];
    const dropped = [
      'pod-template-hash',
      'controller-revision-hash',
      'kubernetes.io/hostname',
      'statefulset.kubernetes.io/pod-name',
      'beta.kubernetes.io/arch',
      'io.kubernetes.container.name',
      'k8s.io/foo',
      'annotation.x',
    ];
    for (const key of kept) expect(isSecurityRelevant(k8s(key)), key).toBe(true);
    for (const key of dropped) expect(isSecurityRelevant(k8s(key)), key).toBe(false);
    expect(isSecurityRelevant({ source: 'reserved', key: 'host', value: '' })).toBe(true);
  });
});

describe('selectors', () => {
  const set = labelSet([k8s('app', 'web'), { source: 'reserved', key: 'world', value: '' }]);
  const sel = (m: Record<string, string>) =>
    makeSelector(fromLabelSelector({ matchLabels: m }, 'any'));

  it('reads a key without a source as any:, which matches every source', () => {
    expect(parseSelectorKey('app')).toEqual({ source: 'any', key: 'app' });
    expect(parseSelectorKey('k8s:io.kubernetes.pod.namespace')).toEqual({
      source: 'k8s',
      key: 'io.kubernetes.pod.namespace',
    });
    expect(selectorMatches(sel({ app: 'web' }), set)).toBe(true);
    expect(selectorMatches(sel({ 'any:app': 'web' }), set)).toBe(true);
    expect(selectorMatches(sel({ 'k8s:app': 'web' }), set)).toBe(true);
    expect(selectorMatches(sel({ 'container:app': 'web' }), set)).toBe(false);
    expect(selectorMatches(sel({ 'reserved:world': '' }), set)).toBe(true);
  });

  it('applies NotIn and DoesNotExist to absent keys as apimachinery does', () => {
    const s = makeSelector(
      fromLabelSelector(
        {
          matchExpressions: [
            { key: 'tier', operator: 'NotIn', values: ['a'] },
            { key: 'x', operator: 'DoesNotExist' },
          ],
        },
        'any',
      ),
    );
    expect(selectorMatches(s, set)).toBe(true);
  });

  it('scopes peer selectors as getEndpointSelector does', () => {
    const text = (m: Record<string, string>, namespace?: string) =>
      makeSelector(scopePeerSelector(fromLabelSelector({ matchLabels: m }, 'any'), namespace)).text;
    expect(text({}, 'shop')).toBe('k8s:io.kubernetes.pod.namespace=shop');
    expect(text({})).toBe('k8s:io.kubernetes.pod.namespace');
    expect(text({ 'io.kubernetes.pod.namespace': 'ops' }, 'shop')).toBe(
      'any:io.kubernetes.pod.namespace=ops',
    );
    expect(text({ 'k8s:io.cilium.k8s.namespace.labels.team': 'red' }, 'shop')).toBe(
      'k8s:io.cilium.k8s.namespace.labels.team=red',
    );
    expect(text({ 'reserved:host': '' }, 'shop')).toBe('reserved:host=');
  });

  it('pins a CiliumNetworkPolicy endpointSelector to its namespace, overwriting a k8s: namespace label', () => {
    expect(
      subjectSelector(
        { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'other', app: 'web' } },
        'shop',
      ).text,
    ).toBe('any:app=web,k8s:io.kubernetes.pod.namespace=shop');
    expect(subjectSelector({}, undefined).text).toBe('');
  });
});
