/**
 * Proves the import rule of DESIGN.md is enforced: ESLint must reject an import that crosses a layer
 * boundary and accept one that is allowed. Each case lints a fixture placed (virtually) in a layer.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

const FORBIDDEN: [string, string][] = [
  ['src/engine/fixture.ts', "import React from 'react';\nexport const x = React;\n"],
  ['src/engine/fixture.ts', "import { select } from 'd3';\nexport const x = select;\n"],
  [
    'src/engine/deep/fixture.ts',
    "import { walk } from '../../datapath/walk';\nexport const x = walk;\n",
  ],
  ['src/datapath/fixture.ts', "import { create } from 'zustand';\nexport const x = create;\n"],
  [
    'src/datapath/fixture.ts',
    "import { m } from '../machines/packetMachine';\nexport const x = m;\n",
  ],
  ['src/machines/fixture.ts', "import { useState } from 'react';\nexport const x = useState;\n"],
  ['src/viz/fixture.ts', "import { sha1 } from '../engine/hash';\nexport const x = sha1;\n"],
  [
    'src/components/fixture.tsx',
    "import { createAppStore } from '../store/appStore';\nexport const x = createAppStore;\n",
  ],
  [
    'src/components/fixture.tsx',
    "import { startBrowserWorker } from '../worker/client';\nexport const x = startBrowserWorker;\n",
  ],
  ['src/engine/fixture.test.ts', "import React from 'react';\nexport const x = React;\n"],
  ['src/scene/fixture.ts', "import React from 'react';\nexport const x = React;\n"],
  ['src/scene/fixture.ts', "import { select } from 'd3';\nexport const x = select;\n"],
  [
    'src/scene/fixture.ts',
    "import { useAppStore } from '../store';\nexport const x = useAppStore;\n",
  ],
  [
    'src/datapath/fixture.ts',
    "import { buildScene } from '../scene/scene';\nexport const x = buildScene;\n",
  ],
];

const ALLOWED: [string, string][] = [
  [
    'src/engine/fixture.ts',
    "import { parse } from 'yaml';\nimport { sha1 } from './hash';\nexport const x = [parse, sha1];\n",
  ],
  ['src/datapath/fixture.ts', "import { sha1 } from '../engine/hash';\nexport const x = sha1;\n"],
  [
    'src/machines/fixture.ts',
    "import { setup } from 'xstate';\nimport type { Hop } from '../datapath/hop';\nexport const x: Hop | typeof setup = setup;\n",
  ],
  [
    'src/viz/fixture.ts',
    "import type { Hop } from '../datapath/hop';\nimport { select } from 'd3';\nexport const x: Hop | typeof select = select;\n",
  ],
  [
    'src/scene/fixture.ts',
    "import { walk } from '../datapath/walk';\nimport { sha1 } from '../engine/hash';\nexport const x = [walk, sha1];\n",
  ],
  [
    'src/components/fixture.tsx',
    "import { useAppStore } from '../store';\nexport const x = useAppStore;\n",
  ],
  [
    'src/engine/fixture.test.ts',
    "import { it } from 'vitest';\nimport { createHash } from 'node:crypto';\nexport const x = [it, createHash];\n",
  ],
];

describe('layer import rule (no-restricted-imports)', () => {
  it.each(FORBIDDEN)('rejects the import in %s: %s', async (file, code) => {
    const errors = await restrictedImportErrors(file, code);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/DESIGN\.md|src\/store\/index\.ts/);
  });

  it.each(ALLOWED)('accepts the import in %s: %s', async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toEqual([]);
  });
});
