/**
 * No import cycles in src/, counting `import type` edges too: a type-only cycle still ties two
 * modules together (neither can move or be split alone), and it is how AppShell ↔ LessonList hid.
 *
 * Why dpdm and not ESLint: eslint-plugin-import-x's `no-cycle` (and eslint-plugin-import's) skips
 * type-only imports by design, so it cannot see such cycles. dpdm parses with the TypeScript compiler
 * and keeps type edges unless told to drop them (`transform: false`).
 */
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

/**
 * Cycles known and not yet broken, each with why. The test fails when one of these is gone too, so
 * the list cannot go stale.
 */
const KNOWN: readonly (readonly string[])[] = [];

const key = (cycle: readonly string[]) => [...cycle].sort().join(' -> ');

describe('import graph', () => {
  it('has no cycles, type-only imports included', { timeout: 60_000 }, async () => {
    const tree = await parseDependencyTree(['src/**/*.ts', 'src/**/*.tsx'], {
      context: process.cwd(),
      tsconfig: 'tsconfig.json',
      transform: false,
      skipDynamicImports: false,
      exclude: /node_modules/,
    });
    expect(Object.keys(tree).length).toBeGreaterThan(100);
    const cycles = parseCircular(tree).map(key).sort();
    expect(cycles).toEqual(KNOWN.map(key).sort());
  });
});
