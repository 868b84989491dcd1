import { describe, expect, it } from 'vitest';
import {
  calicoEndpointLabels,
  calicoNamespaceLabels,
  calicoNetworkSetLabels,
  calicoWorkloadLabels,
} from './labels';
import { cluster, namespace, networkSet, pod, serviceAccount } from './testkit';

describe('the labels Calico matches', () => {
  const web = pod('shop/web', {
    ip: '10.244.1.5',
    labels: { app: 'web' },
    serviceAccount: 'frontend',
  });
  const c = cluster({
    pods: [web],
    namespaces: [namespace('shop', { team: 'red' })],
    serviceAccounts: [serviceAccount('shop/frontend', { tier: 'gold' })],
  });

  it('a workload endpoint carries its namespace, orchestrator and service account', () => {
    expect(calicoWorkloadLabels(web)).toEqual({
      app: 'web',
      'projectcalico.org/namespace': 'shop',
      'projectcalico.org/orchestrator': 'k8s',
      'projectcalico.org/serviceaccount': 'frontend',
    });
  });

  it('leaves out a service account name of 63 characters or more', () => {
    const long = pod('shop/x', { ip: '10.244.1.9', serviceAccount: 'a'.repeat(63) });
    expect(calicoWorkloadLabels(long)).not.toHaveProperty('projectcalico.org/serviceaccount');
  });

  it('inherits pcns. and pcsa. labels from the kns. and ksa. profiles', () => {
    const labels = calicoEndpointLabels(c, web);
    expect(labels).toMatchObject({
      'pcns.team': 'red',
      'pcns.kubernetes.io/metadata.name': 'shop',
      'pcns.projectcalico.org/name': 'shop',
      'pcsa.tier': 'gold',
      'pcsa.projectcalico.org/name': 'frontend',
      app: 'web',
    });
  });

  it('a namespace selector sees the namespace labels plus projectcalico.org/name', () => {
    expect(calicoNamespaceLabels(namespace('shop', { team: 'red' }))).toEqual({
      'kubernetes.io/metadata.name': 'shop',
      team: 'red',
      'projectcalico.org/name': 'shop',
    });
  });

  it('a NetworkSet gets its namespace label and the namespace profile; a GlobalNetworkSet only its own', () => {
    const ns = networkSet('shop/partners', { role: 'partner' }, ['8.8.8.0/24']);
    const gns = networkSet('corp', { role: 'corp' }, ['10.0.0.0/8']);
    const d = cluster({
      pods: [web],
      namespaces: [namespace('shop', { team: 'red' })],
      networkSets: [ns, gns],
    });
    expect(calicoNetworkSetLabels(d, ns)).toMatchObject({
      role: 'partner',
      'projectcalico.org/namespace': 'shop',
      'pcns.team': 'red',
    });
    expect(calicoNetworkSetLabels(d, gns)).toEqual({ role: 'corp' });
  });
});
