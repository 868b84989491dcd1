/**
 * `npm run bench`, the load section (issue 15): the loader against the fastest maintained JS YAML
 * parser's plain parse of the same text, measured in the same run. Two figures each: the first run
 * in this process (cold: code not yet optimised, the heap not yet grown; what a fresh worker pays
 * on its first scenario) and the settled one, the best of the runs after it (both readers warmed
 * the same way, so a busy machine's stalls and the JIT's warm-up do not count). js-yaml settles
 * within a run or two, the loader (more code for the JIT) within four or five, so the settled
 * figure takes the best of `runs` after the first. `--compare-yaml` adds the `yaml` package's full
 * reader (parse with positions, ~10× slower) for the table in src/engine/parse/yaml.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { LoadResult } from '../src/engine/model';
import { loadManifests } from '../src/engine/parse/load';
import { parseWithPositions, streamYamlFile } from '../src/engine/parse/yaml';
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

/**
 * js-yaml's first parse of `text` in a fresh Node process (its CPU time, as cpuMs counts it). In
 * this process the loader runs js-yaml itself (fastYaml.ts), so a "first" loadAll after the first
 * load would be warm: the cold figures are compared with a parser as cold as the loader was.
 */
function coldJsYamlMs(text: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-'));
  try {
    const file = join(dir, 'bench.yaml');
    writeFileSync(file, text);
    const jsYaml = createRequire(import.meta.url).resolve('js-yaml');
    const program = [
      `const { loadAll } = require(${JSON.stringify(jsYaml)});`,
      `const text = require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8');`,
      'const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };',
      'const t0 = cpu(); loadAll(text); process.stdout.write(String(cpu() - t0));',
    ].join('\n');
    return Math.round(Number(execFileSync(process.execPath, ['-e', program])) * 10) / 10;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function measureLoad(text: string, runs = 6) {
  const files = [{ name: 'bench.yaml', text }];
  const loadFirst = best(1, () => loadManifests(files));
  const jsYamlFirst = { ms: coldJsYamlMs(text) };
  const load = best(runs, () => loadManifests(files));
  const jsYaml = best(runs, () => loadAll(text));
  // The loader's own YAML step as the load runs it: js-yaml one document at a time, with node
  // offsets (positions are built when asked), each document handed to a loader that does nothing.
  const yamlStep = best(runs, () => streamYamlFile(text, 'bench.yaml', () => {}));
  const compare = process.argv.includes('--compare-yaml')
    ? { yamlPackageWithPositionsMs: best(1, () => parseWithPositions(text, 'bench.yaml')).ms }
    : {};
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const figures = {
    bytes: text.length,
    loadMs: load.ms,
    jsYamlLoadAllMs: jsYaml.ms,
    loadOverParse: ratio(load.ms, jsYaml.ms),
    target: 'loadOverParse <= 2',
    settled: `best of ${runs} runs after the first, each reader`,
    firstLoadMs: loadFirst.ms,
    /** js-yaml's first parse in a fresh process (this one's js-yaml is warm from the loader). */
    firstJsYamlLoadAllMs: jsYamlFirst.ms,
    firstLoadOverFirstParse: ratio(loadFirst.ms, jsYamlFirst.ms),
    loaderYamlStepMs: yamlStep.ms,
    restOfLoadMs: Math.round((load.ms - yamlStep.ms) * 10) / 10,
    ...compare,
  };
  return { ...(load.result as LoadResult), loadMs: load.ms, firstLoadMs: loadFirst.ms, figures };
}
