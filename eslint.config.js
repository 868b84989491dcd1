// ESLint flat config. The layer rule of DESIGN.md ("what may import what") is enforced here with
// `no-restricted-imports`, one block per folder under src/, so it is checked on every lint run and
// proven by src/test/layers.test.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const LAYERS = [
  'engine',
  'datapath',
  'machines',
  'worker',
  'store',
  'viz',
  'components',
  'app',
  'cli',
  'lessons',
  'test',
  'registry',
  'scene',
];

/** A pattern for a relative import that reaches into a sibling layer, e.g. `../datapath/walk`. */
const layerImport = (layer) => ({
  regex: `(^|/)\\.\\./(.*/)?${layer}(/|$)`,
  message: `This layer may not import src/${layer}/ (see DESIGN.md "Import rule").`,
});

/**
 * Builds the restriction for one layer.
 * @param {object} opts
 * @param {string[]} opts.packages npm packages the layer may import (exact names or prefixes ending in '*').
 * @param {string[]} opts.layers sibling layers the layer may import at runtime.
 * @param {string[]} [opts.typeOnlyLayers] sibling layers the layer may import with `import type` only.
 */
function restrict({ packages, layers, typeOnlyLayers = [], extra = [] }) {
  const allowed = packages
    .map((p) => (p.endsWith('*') ? `${escape(p.slice(0, -1))}.*` : `${escape(p)}(/.*)?`))
    .join('|');
  const patterns = [
    {
      // Any bare import (a package) that is not on the allow list.
      regex: allowed ? `^(?!\\.{1,2}/|(${allowed})$)` : '^(?!\\.{1,2}/)',
      message: `This layer may import only: ${packages.join(', ') || 'nothing outside src/'} (see DESIGN.md "Import rule").`,
    },
    ...LAYERS.filter((l) => !layers.includes(l) && !typeOnlyLayers.includes(l)).map(layerImport),
    ...extra,
    ...typeOnlyLayers.map((l) => ({
      ...layerImport(l),
      allowTypeImports: true,
      message: `This layer may import src/${l}/ with \`import type\` only (see DESIGN.md).`,
    })),
  ];
  return patterns;
}

/** What a unit test beside a layer's code may import on top of what the layer may. */
const TEST_PACKAGES = ['vitest', 'fast-check', '@testing-library/*', 'node:*', 'eslint'];

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The layers of DESIGN.md: which packages and which sibling layers each may import. */
export const layers = {
  // Pure TypeScript: runs unchanged in the worker, in Node and in unit tests.
  engine: { packages: ['yaml', 'js-yaml', 're2js', 'dequal'], layers: [] },
  // Registries' data parts (panel ids and labels): pure data that the UI, the URL codec, the lesson
  // parser and the e2e page objects all read. No React here; the component maps live in components/.
  registry: { packages: [], layers: [] },
  datapath: { packages: [], layers: ['engine'] },
  // What is drawn and what it is called (the scene, the wording table): pure, computed in the worker
  // beside the walk; the main thread reads its answers from the store.
  scene: { packages: [], layers: ['engine', 'datapath'] },
  machines: { packages: ['xstate'], layers: ['engine', 'datapath'] },
  worker: { packages: ['comlink'], layers: ['engine', 'datapath', 'scene'] },
  store: {
    packages: ['zustand', 'react', 'lz-string'],
    layers: ['engine', 'datapath', 'machines', 'worker', 'registry', 'scene'],
  },
  viz: { packages: ['d3', 'd3-*'], layers: [], typeOnlyLayers: ['engine', 'datapath', 'scene'] },
  // Components never import the worker or a raw store module: they use the hooks of store/index.ts.
  components: {
    packages: [
      'react',
      'react-dom',
      '@xstate/react',
      '@codemirror/*',
      'codemirror',
      '@lezer/*',
      'marked',
      'dompurify',
      '@tanstack/react-virtual',
    ],
    layers: ['engine', 'datapath', 'machines', 'viz', 'store', 'lessons', 'registry', 'scene'],
    extra: [
      {
        regex: '(^|/)\\.\\./(.*/)?store/.+',
        message: 'Components use the store through src/store/index.ts, not its modules.',
      },
    ],
  },
  // Lesson format, checker and replay: pure over engine/ and datapath/ (load.ts reads files in Node).
  lessons: { packages: ['node:*'], layers: ['engine', 'datapath', 'registry'] },
  // Command-line entry points run in Node over the pure layers.
  cli: { packages: ['node:*'], layers: ['engine', 'datapath'] },
};

const rule = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: ['dist*/**', 'node_modules/**', 'playwright-report/**', 'test-results*/**', 'docs/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...tseslint.configs.stylistic,
  {
    languageOptions: {
      ecmaVersion: 2023,
      globals: { ...globals.browser },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      // With noUncheckedIndexedAccess on, `a[i]!` after a bounds check is the honest way to index.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `() => {}` is how a no-op callback is written.
      '@typescript-eslint/no-empty-function': ['error', { allow: ['arrowFunctions'] }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  ...Object.entries(layers).flatMap(([layer, spec]) => [
    {
      files: [`src/${layer}/**/*.{ts,tsx}`],
      ignores: [`src/${layer}/**/*.test.{ts,tsx}`],
      rules: rule(restrict(spec)),
    },
    {
      // A test keeps its layer's rule, plus the test runner's tools and the shared builders.
      files: [`src/${layer}/**/*.test.{ts,tsx}`],
      rules: rule(
        restrict({
          ...spec,
          packages: [...spec.packages, ...TEST_PACKAGES],
          layers: [...spec.layers, 'test'],
        }),
      ),
    },
  ]),
  {
    files: ['scripts/**', '*.config.{js,ts}', 'e2e/**', 'src/cli/**'],
    languageOptions: { globals: { ...globals.node } },
  },
);
