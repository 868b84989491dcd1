import { describe, expect, it } from 'vitest';
import { STAGES } from '../datapath/hop';
import { allWalkConfigs, cniOptions, describeWalkConfig } from '../datapath/options';
import { CNI_TITLE, longModes, shortModes, STAGE_WORDS, stagePhrase } from './words';

describe('stage words', () => {
  it('gives every stage a name, a chip word, a one-sentence gloss and a glyph', () => {
    expect(Object.keys(STAGE_WORDS).sort()).toEqual([...STAGES].sort());
    for (const stage of STAGES) {
      const w = STAGE_WORDS[stage];
      for (const field of ['name', 'short', 'gloss', 'icon'] as const) {
        expect(w[field].trim(), `${stage}.${field}`).not.toBe('');
      }
      expect(w.short.length, stage).toBeLessThanOrEqual(w.name.length);
      expect(w.gloss, stage).not.toMatch(/\n/);
    }
  });

  it('names stages apart (one heading never stands for two stages)', () => {
    const names = STAGES.map((s) => STAGE_WORDS[s].name);
    expect(new Set(names).size).toBe(names.length);
    const shorts = STAGES.map((s) => STAGE_WORDS[s].short);
    expect(new Set(shorts).size).toBe(shorts.length);
  });

  it('reads a stage inside a sentence, and leaves anything else as it is', () => {
    expect(stagePhrase('routing')).toBe('routing decision');
    expect(stagePhrase('service-lb')).toBe('Service load balancing');
    expect(stagePhrase('not-a-stage')).toBe('not-a-stage');
  });
});

describe('mode words', () => {
  it('titles each CNI from the options registry', () => {
    expect(CNI_TITLE).toEqual({ calico: 'Calico', cilium: 'Cilium' });
  });

  it('summarises every configuration, and two configurations that walk differently read differently', () => {
    const configs = allWalkConfigs();
    const seen = new Map<string, string>();
    for (const config of configs) {
      const short = shortModes(config);
      expect(short, describeWalkConfig(config)).not.toBe('');
      expect(longModes(config)).toBe(describeWalkConfig(config));
      const key = `${config.cni}|${short}`;
      // The short form may merge configurations only when their full sentences agree.
      const long = seen.get(key);
      if (long !== undefined) expect(long).toBe(longModes(config));
      seen.set(key, longModes(config));
    }
  });

  it('uses the registry’s own value labels', () => {
    const cilium = allWalkConfigs().find(
      (c) =>
        c.cni === 'cilium' &&
        c.cilium.routing === 'geneve' &&
        c.cilium.encryption === 'ipsec' &&
        c.cilium.kubeProxyReplacement,
    )!;
    const labels = (key: string) => cniOptions('cilium').find((o) => o.key === key)!.values;
    const summary = shortModes(cilium).split(' · ');
    expect(summary).toContain(labels('routing').find((v) => v.value === 'geneve')!.label);
    expect(summary).toContain(labels('encryption').find((v) => v.value === 'ipsec')!.label);
    expect(summary).toContain('kube-proxy replacement');
  });
});
