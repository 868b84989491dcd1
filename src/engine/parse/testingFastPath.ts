/**
 * For the loader's tests: a switch that sends every file to the full reader (the `yaml` package's
 * tree with every position) instead of the fast path, to compare what both say. A test file
 * installs it with
 *   vi.mock('./fastYaml', async (original) =>
 *     (await import('./testingFastPath')).switchable(await original()));
 * and turns `fastPath.on` off and back on. No imports of the loader here: the mock's factory
 * loads this module while fastYaml.ts is being mocked.
 */
import type * as FastYaml from './fastYaml';

export const fastPath = { on: true };

/** fastYaml.ts with its two readers declining every file while `fastPath.on` is false. */
export function switchable(real: typeof FastYaml): typeof FastYaml {
  return {
    ...real,
    fastParse: (...args) => (fastPath.on ? real.fastParse(...args) : undefined),
    fastParseStream: (...args) => (fastPath.on ? real.fastParseStream(...args) : false),
  };
}
