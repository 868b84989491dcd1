/**
 * The shared scenarios (lessons/scenarios/*.yaml) as engines for tests, loaded once each, and
 * shorthands for walk configurations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  DEFAULT_CALICO_CONFIG,
  DEFAULT_CILIUM_CONFIG,
  type CalicoConfig,
  type CiliumConfig,
  type WalkConfig,
} from '../datapath/config';
import {
  allConfigs,
  allWalkConfigs,
  CALICO_OPTIONS,
  CILIUM_OPTIONS,
  sampleConfigs,
} from '../datapath/options';
import { loadManifests } from '../engine/parse/load';
import { createEngine, type Engine } from '../engine/verdict';

export const SCENARIOS = 'lessons/scenarios';

const engines = new Map<string, Engine>();

/** The engine of `lessons/scenarios/<file>`; the scenario must load without errors. */
export function engineFor(file: string): Engine {
  let e = engines.get(file);
  if (!e) {
    const { cluster, diagnostics } = loadManifests([
      { name: file, text: readFileSync(join(SCENARIOS, file), 'utf8') },
    ]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    e = createEngine(cluster);
    engines.set(file, e);
  }
  return e;
}

export const calico = (over: Partial<CalicoConfig> = {}): WalkConfig => ({
  cni: 'calico',
  calico: { ...DEFAULT_CALICO_CONFIG, ...over },
});

export const cilium = (over: Partial<CiliumConfig> = {}): WalkConfig => ({
  cni: 'cilium',
  cilium: { ...DEFAULT_CILIUM_CONFIG, ...over },
});

/** Every distinct configuration of both CNIs, from the options registry (its cartesian product). */
export const everyConfig = (): WalkConfig[] => allWalkConfigs();

/**
 * About `perCni` configurations of each CNI, the same every run, that still show every value of
 * every option: for tests that cannot afford the whole product.
 */
export const sampledConfigs = (perCni: number): WalkConfig[] => [
  ...sampleConfigs(CALICO_OPTIONS, allConfigs(CALICO_OPTIONS), perCni).map((c) => ({
    cni: 'calico' as const,
    calico: c,
  })),
  ...sampleConfigs(CILIUM_OPTIONS, allConfigs(CILIUM_OPTIONS), perCni).map((c) => ({
    cni: 'cilium' as const,
    cilium: c,
  })),
];
