/**
 * Links that work today keep working: instructors put them in slides and handouts. These are real
 * links as the app wrote them before the CNI options got named tokens (positional `calico=` and
 * `cilium=` values, with and without the BPF masquerade token), plus lesson and presenter links.
 * Each must open the same view, and an old walk link is replaced by today's form of that view.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import { createAppStore, DEFAULT_VIEW, encodeView, type ViewState } from '../store';
import { createWorkerApi } from '../worker/api';
import { createEngineClient } from '../worker/client';
import { startController, type ControllerEnv } from './controller';
import { LESSONS } from './lessons';
import { loadedLessons } from './lessonSource';
import { lessonStepView } from './lessonView';

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

/** Opens `hash` in a fresh app; returns the store and the URLs the app wrote. */
function open(hash: string) {
  const store = createAppStore();
  const client = createEngineClient({
    startWorker: () => null,
    loadFallback: async () => createWorkerApi(),
  });
  const urls: string[] = [];
  const pushed: string[] = [];
  const env: ControllerEnv = {
    lessons: loadedLessons(LESSONS),
    location: { hash },
    history: {
      replaceState: (_d, _t, url) => void urls.push(String(url)),
      pushState: (_d, _t, url) => void pushed.push(String(url)),
    },
    storage: undefined,
  };
  stops.push(startController(store, client, env), () => client.dispose());
  return { store, urls, pushed };
}

const pk = { from: 'shop/frontend', to: 'shop/backend', port: 8080, protocol: 'TCP' as const };
const V = DEFAULT_VIEW;

/** [a link as the app wrote it before named tokens, the view it opens]. */
const OLD_WALK_LINKS: [string, ViewState][] = [
  [
    '#/walk?scenario=seed-policies&calico=iptables.full-mesh.ipip.plain&cilium=vxlan.kube-proxy.none.iptables-masq&step=0&layout=compare&panels=inspector',
    V,
  ],
  [
    '#/walk?scenario=seed-policies&calico=iptables.full-mesh.ipip.plain&cilium=vxlan.kube-proxy.none.iptables-masq&from=shop%2Ffrontend&to=shop%2Fbackend&port=8080&proto=TCP&step=3&layout=compare&panels=inspector',
    { ...V, packet: pk, step: 3 },
  ],
  [
    '#/walk?scenario=seed-policies&calico=iptables.route-reflector.vxlan-crosssubnet.plain&cilium=vxlan.kube-proxy.none.iptables-masq&from=shop%2Ffrontend&to=shop%2Fbackend&port=8080&proto=TCP&step=0&layout=calico&panels=inspector',
    {
      ...V,
      calico: { ...DEFAULT_CALICO_CONFIG, encap: 'vxlan-crosssubnet', peering: 'route-reflector' },
      packet: pk,
      layout: 'calico',
    },
  ],
  [
    '#/walk?scenario=seed-policies&calico=ebpf.tor.none.wireguard&cilium=vxlan.kube-proxy.none.iptables-masq&from=shop%2Ffrontend&to=shop%2Fbackend&port=8080&proto=TCP&step=5&layout=compare&panels=inspector%2Cmatrix',
    {
      ...V,
      calico: { dataplane: 'ebpf', peering: 'tor', encap: 'none', wireguard: true },
      packet: pk,
      step: 5,
      panels: ['inspector', 'matrix'],
    },
  ],
  [
    '#/walk?scenario=seed-policies&calico=iptables.full-mesh.ipip.plain&cilium=native.kpr.wireguard.iptables-masq&from=shop%2Ffrontend&to=shop%2Fbackend-svc&port=8080&proto=TCP&step=0&layout=cilium&panels=inspector',
    {
      ...V,
      cilium: {
        routing: 'native',
        kubeProxyReplacement: true,
        bpfMasquerade: false,
        encryption: 'wireguard',
      },
      packet: { ...pk, to: 'shop/backend-svc' },
      layout: 'cilium',
    },
  ],
  [
    '#/walk?scenario=seed-policies&calico=iptables.full-mesh.ipip.plain&cilium=eni.kpr.none.bpf-masq&from=shop%2Ffrontend&to=ip%3A1.1.1.1&port=443&proto=TCP&step=7&layout=compare&panels=inspector',
    {
      ...V,
      cilium: {
        routing: 'eni',
        kubeProxyReplacement: true,
        bpfMasquerade: true,
        encryption: 'none',
      },
      packet: { ...pk, to: 'ip:1.1.1.1', port: 443 },
      step: 7,
    },
  ],
  [
    '#/walk?scenario=seed-policies&calico=iptables.full-mesh.ipip.plain&cilium=geneve.kube-proxy.ipsec.iptables-masq&from=shop%2Ffrontend&to=shop%2Fbackend&port=8080&proto=TCP&http=GET%3A%2Fapi%2Fv1%2Forders&step=0&layout=compare&panels=&mport=8080',
    {
      ...V,
      cilium: { ...DEFAULT_CILIUM_CONFIG, routing: 'geneve', encryption: 'ipsec' },
      packet: { ...pk, http: { method: 'GET', path: '/api/v1/orders' } },
      panels: [],
      matrixPort: 8080,
    },
  ],
  [
    '#/walk?scenario=multi-rack&calico=iptables.full-mesh.ipip.plain&cilium=vxlan.kube-proxy.none.iptables-masq&from=shop%2Ffrontend&to=shop%2Fbackend&port=8080&proto=UDP&reply=1&step=0&layout=compare&panels=inspector',
    { ...V, scenarioId: 'multi-rack', packet: { ...pk, protocol: 'UDP', reply: true } },
  ],
  [
    // An edited scenario travels compressed in `yaml=`.
    '#/walk?scenario=seed-policies&calico=iptables.full-mesh.ipip.plain&cilium=vxlan.kube-proxy.none.iptables-masq&from=shop%2Ffrontend&to=shop%2Fbackend&port=8080&proto=TCP&step=2&layout=compare&panels=inspector&yaml=IYBwlgagpgTgzmA9gOwFwAIBuBGAUAazGQBMMA5YAWyjhGAGMpdqAXYY4N1XddZKqBjgALRCFxA',
    {
      ...V,
      scenarioText: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n',
      packet: pk,
      step: 2,
    },
  ],
  [
    // Before BPF masquerade: three Cilium tokens.
    '#/walk?scenario=two-node-basic&calico=iptables.full-mesh.vxlan.plain&cilium=native.kpr.none&step=1&layout=compare&panels=inspector',
    {
      ...V,
      scenarioId: 'two-node-basic',
      calico: { ...DEFAULT_CALICO_CONFIG, encap: 'vxlan' },
      cilium: { ...DEFAULT_CILIUM_CONFIG, routing: 'native', kubeProxyReplacement: true },
      step: 1,
    },
  ],
];

describe('links from before the named CNI tokens', () => {
  it.each(OLD_WALK_LINKS)('%s opens the same view and is rewritten', (link, view) => {
    const { store, urls, pushed } = open(link);
    expect(store.getState().notice).toBeNull();
    expect(store.getState().view).toEqual(view);
    // Rewritten in place (no new history entry) to today's form of the same view (named tokens).
    expect(pushed).toEqual([]);
    expect(urls.at(-1)).toBe(`#/walk?${encodeView(view)}`);
    expect(urls.at(-1)).toMatch(/calico=dataplane:[a-z]+,encap:[a-z-]+,peering:[a-z-]+,enc:[a-z]+/);
    expect(urls.at(-1)).toMatch(/cilium=routing:[a-z]+,kpr:o(n|ff),masq:[a-z]+,enc:[a-z]+/);
    // And the new link opens the same view without another rewrite.
    const again = open(urls.at(-1)!);
    expect(again.store.getState().view).toEqual(view);
    expect(again.urls.every((u) => u === urls.at(-1))).toBe(true);
  });
});

describe('lesson and presenter links', () => {
  const lesson = LESSONS.find((l) => l.id === '05-overlays') ?? LESSONS[0]!;
  it.each([
    [`#/lessons/${lesson.id}/2`, undefined, 1],
    [`#/present/${lesson.id}/3`, 'present', 2],
    [`#/speaker/${lesson.id}/1`, 'speaker', 0],
  ] as const)('%s opens its lesson step', (link, mode, step) => {
    const { store } = open(link);
    expect(store.getState().route).toEqual({
      page: 'lesson',
      lessonId: lesson.id,
      step,
      ...(mode ? { mode } : {}),
    });
    expect(store.getState().view).toEqual(lessonStepView(lesson, step));
  });

  it('#/lessons opens the lesson list', () => {
    expect(open('#/lessons').store.getState().route).toEqual({ page: 'lessons' });
  });
});
