import { describe, expect, it } from 'vitest';
import { DEFAULT_CILIUM_CONFIG, type CalicoConfig, type CiliumConfig } from './config';
import {
  allConfigs,
  CALICO_OPTIONS,
  CILIUM_OPTIONS,
  CNIS,
  cniOptions,
  decodeOptions,
  describeWalkConfig,
  effectiveWalkConfig,
  encodeOptions,
  optionApplies,
  optionsOf,
  sampleConfigs,
  tokenOf,
  valueOf,
  type CniOptionTable,
} from './options';

const key = <C>(table: CniOptionTable<C>, c: C) => encodeOptions(table, c);

describe('the CNI options registry', () => {
  it('gives every option distinct link tokens, distinct value tokens and a label per value', () => {
    for (const cni of CNIS) {
      const options = cniOptions(cni);
      expect(new Set(options.map((o) => o.token)).size).toBe(options.length);
      expect(new Set(options.map((o) => o.key)).size).toBe(options.length);
      for (const o of options) {
        expect(new Set(o.values.map((v) => v.token)).size).toBe(o.values.length);
        expect(o.values.every((v) => v.label.length > 0 && /^[a-z0-9-]+$/.test(v.token))).toBe(
          true,
        );
        expect(o.help.length).toBeGreaterThan(10);
        // A option that can be unused says why.
        if (o.applies) expect(o.disabledReason).toBeDefined();
        if (o.control === 'check') expect(o.values).toHaveLength(2);
      }
    }
  });

  it.each([
    ['calico', CALICO_OPTIONS],
    ['cilium', CILIUM_OPTIONS],
  ] as const)(
    '%s: allConfigs is the product of the values less what an unused option repeats',
    (_, t) => {
      const table = t as CniOptionTable<CalicoConfig | CiliumConfig>;
      const all = allConfigs(table);
      const options = optionsOf(table);
      const product = options.reduce((n, o) => n * o.values.length, 1);
      // No duplicates.
      expect(new Set(all.map((c) => key(table, c))).size).toBe(all.length);
      // Every configuration the product holds is there unless an unused option takes a non-resting value.
      let kept = 0;
      const walkProduct = (i: number, c: CalicoConfig | CiliumConfig): void => {
        if (i === options.length) {
          const resting = options.every(
            (o) => optionApplies(o, c) || valueOf(o, c) === (o.inactive ?? o.values[0]!.value),
          );
          if (resting) {
            kept++;
            expect(all.some((x) => key(table, x) === key(table, c))).toBe(true);
          }
          return;
        }
        const o = options[i]!;
        for (const v of o.values) walkProduct(i + 1, { ...c, [o.key]: v.value });
      };
      walkProduct(0, table.defaults);
      expect(all).toHaveLength(kept);
      expect(kept).toBeLessThan(product);
    },
  );

  it('the whole product: 44 Calico and 36 Cilium configurations', () => {
    // Calico: 2 dataplanes × (3 BGP encaps × 3 peerings + 2 VXLAN encaps) × 2; Cilium: 4 routings
    // × (kube-proxy: masquerade in iptables only, KPR: either) × 3 encryptions.
    expect(allConfigs(CALICO_OPTIONS)).toHaveLength(2 * (3 * 3 + 2) * 2);
    expect(allConfigs(CILIUM_OPTIONS)).toHaveLength(4 * 3 * 3);
  });

  it('a sample is deterministic and shows every value of every option', () => {
    for (const t of [CALICO_OPTIONS, CILIUM_OPTIONS] as CniOptionTable<
      CalicoConfig | CiliumConfig
    >[]) {
      const all = allConfigs(t);
      const a = sampleConfigs(t, all, 12);
      expect(sampleConfigs(t, all, 12)).toEqual(a);
      expect(a.length).toBeGreaterThanOrEqual(Math.min(12, all.length));
      for (const o of optionsOf(t))
        for (const v of o.values) {
          const shown = a.some((c) => tokenOf(o, c) === v.token);
          expect(shown || !all.some((c) => tokenOf(o, c) === v.token)).toBe(true);
        }
    }
  });

  it('named tokens round-trip every configuration', () => {
    for (const t of [CALICO_OPTIONS, CILIUM_OPTIONS] as CniOptionTable<
      CalicoConfig | CiliumConfig
    >[]) {
      for (const c of allConfigs(t)) {
        const problems: string[] = [];
        expect(decodeOptions(t, encodeOptions(t, c), problems)).toEqual(c);
        expect(problems).toEqual([]);
      }
    }
  });

  it('BPF masquerade without kube-proxy replacement walks as iptables masquerade (the agent refuses it)', () => {
    const chosen = { ...DEFAULT_CILIUM_CONFIG, bpfMasquerade: true };
    expect(effectiveWalkConfig({ cni: 'cilium', cilium: chosen })).toEqual({
      cni: 'cilium',
      cilium: { ...chosen, bpfMasquerade: false },
    });
    const kpr = { ...chosen, kubeProxyReplacement: true };
    expect(effectiveWalkConfig({ cni: 'cilium', cilium: kpr })).toEqual({
      cni: 'cilium',
      cilium: kpr,
    });
  });

  it('describes a configuration from each option’s phrase, host routing beside BPF masquerade', () => {
    expect(
      describeWalkConfig({
        cni: 'cilium',
        cilium: {
          routing: 'native',
          kubeProxyReplacement: true,
          bpfMasquerade: true,
          encryption: 'none',
        },
      }),
    ).toBe(
      'Cilium native routing, kube-proxy replacement on, BPF masquerade on, host routing BPF, encryption none',
    );
    expect(
      describeWalkConfig({
        cni: 'calico',
        calico: { dataplane: 'iptables', peering: 'tor', encap: 'vxlan', wireguard: true },
      }),
    ).toBe('Calico iptables dataplane, encapsulation vxlan, routes by Felix (no BGP), WireGuard');
  });
});
