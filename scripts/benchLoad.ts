/**
 * `npm run bench`, the load section (issue 15): the loader against the fastest maintained JS YAML
 * parser's plain parse of the same text, measured in the same run. Each figure is the best of
 * `runs`, so a busy machine's stalls do not count. `--compare-yaml` adds the `yaml` package's full
 * reader (parse with positions, ~10× slower) for the table in src/engine/parse/yaml.ts.
 */
import { loadAll } from 'js-yaml';
import type { LoadResult } from '../src/engine/model';
import { loadManifests } from '../src/engine/parse/load';
import { parseWithPositions, parseYamlFile } from '../src/engine/parse/yaml';
import { cpuMs } from './benchClock';

const best = <T>(runs: number, run: () => T): { ms: number; result: T } => {
  let ms = Infinity;
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = cpuMs();
    result = run();
    ms = Math.min(ms, cpuMs() - t0);
  }
  return { ms: Math.round(ms * 10) / 10, result };
};

export function measureLoad(text: string, runs = 3) {
  const load = best(runs, () => loadManifests([{ name: 'bench.yaml', text }]));
  const jsYaml = best(runs, () => loadAll(text));
  // The loader's own YAML step (js-yaml with node offsets; positions are built when asked).
  const yamlStep = best(runs, () => parseYamlFile(text, 'bench.yaml'));
  const compare = process.argv.includes('--compare-yaml')
    ? { yamlPackageWithPositionsMs: best(1, () => parseWithPositions(text, 'bench.yaml')).ms }
    : {};
  const figures = {
    bytes: text.length,
    loadMs: load.ms,
    jsYamlLoadAllMs: jsYaml.ms,
    loadOverParse: Math.round((load.ms / jsYaml.ms) * 100) / 100,
    target: 'loadOverParse <= 2',
    loaderYamlStepMs: yamlStep.ms,
    restOfLoadMs: Math.round((load.ms - yamlStep.ms) * 10) / 10,
    ...compare,
  };
  return { ...(load.result as LoadResult), loadMs: load.ms, figures };
}
