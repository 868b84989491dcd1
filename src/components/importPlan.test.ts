import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../engine/model';
import { MAX_YAML_BYTES } from '../engine/parse/limits';
import { loadManifests } from '../engine/parse/load';
import { splitScenarioText } from '../engine/parse/multiFile';
import { importedText, importSummary, planImport, refusal } from './importPlan';
import { fileLabel, placeInText, positionInText } from './scenarioFiles';

const bytes = (s: string) => new TextEncoder().encode(s);
const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

describe('planImport', () => {
  it('takes YAML and JSON text, drops a byte-order mark, numbers a repeated name', () => {
    const plan = planImport([
      { name: 'a.yaml', bytes: bytes(`\uFEFF${ns('a')}`) },
      { name: 'b.JSON', bytes: bytes('{"apiVersion":"v1","kind":"List","items":[]}') },
      { name: 'a.yaml', bytes: bytes(ns('c')) },
    ]);
    expect(plan.refused).toEqual([]);
    expect(plan.files.map((f) => f.name)).toEqual(['a.yaml', 'b.JSON', 'a (2).yaml']);
    expect(plan.files[0]!.text).toBe(ns('a'));
  });

  it('refuses with why: extension, size, binary, not UTF-8, unreadable', () => {
    expect(refusal({ name: 'x.png', bytes: bytes('') })).toMatch(/not a manifest file/);
    expect(refusal({ name: 'big.yaml', bytes: new Uint8Array(0), size: MAX_YAML_BYTES + 1 })).toBe(
      '8.0 MiB is over the 8 MiB a scenario may hold',
    );
    expect(refusal({ name: 'x.yaml', bytes: new Uint8Array([97, 0, 98]) })).toMatch(/binary/);
    expect(refusal({ name: 'x.yaml', bytes: new Uint8Array([0xff, 0xfe, 0x41]) })).toMatch(
      /not UTF-8/,
    );
    expect(refusal({ name: 'x.yaml', bytes: new Uint8Array(0), error: 'NotReadableError' })).toBe(
      'it could not be read (NotReadableError)',
    );
    const plan = planImport([
      { name: 'ok.yml', bytes: bytes(ns('a')) },
      { name: 'x.png', bytes: bytes('') },
    ]);
    expect(plan.files.map((f) => f.name)).toEqual(['ok.yml']);
    expect(importSummary(plan, [], { pods: 0, nodes: 0, policies: 1 })).toBe(
      'Imported 1 file (ok.yml): 0 pods, 0 nodes, 1 policy; 0 warnings in the Policies panel. Refused x.png: not a manifest file: PacketWalk imports .yaml, .yml, .json files.',
    );
  });

  it('refuses files together over the limit, and imports nothing then', () => {
    const half = 'x'.repeat(MAX_YAML_BYTES / 2 + 1);
    const plan = planImport([
      { name: 'a.yaml', bytes: bytes(`# ${half}`) },
      { name: 'b.yaml', bytes: bytes(`# ${half}`) },
    ]);
    expect(importedText(plan)).toBeNull();
    expect(plan.refused.map((r) => r.why)).toEqual([
      expect.stringMatching(/^together the files are 8\.0 MiB/),
      expect.stringMatching(/^together/),
    ]);
  });
});

describe('an imported text in the editor', () => {
  const plan = planImport([
    { name: 'ns.yaml', bytes: bytes(ns('shop')) },
    { name: 'bad.yaml', bytes: bytes(`${ns('ok')}---\n${ns('Bad_Name')}`) },
  ]);
  const text = importedText(plan)!;
  const { diagnostics } = loadManifests(splitScenarioText(text, 'scenario.yaml'));
  const error = diagnostics.find((d) => d.severity === 'error')!;

  it("names the file and its own line, and places the marker on the text's line", () => {
    expect(error.pos).toMatchObject({ file: 'bad.yaml', line: 9 });
    const [placed] = placeInText(text, [error]);
    expect(fileLabel(placed!)).toBe(`bad.yaml:9:${error.pos.column}`);
    expect(text.split('\n')[placed!.pos.line - 1]).toBe('  name: Bad_Name');
    expect(importSummary(plan, diagnostics, null)).toBe(
      'Imported 2 files (ns.yaml, bad.yaml): 1 error and 0 warnings in the Policies panel; the last valid scenario keeps running.',
    );
  });

  it('moves a position read from a file to the line of the text', () => {
    const at = positionInText(text, error.pos);
    expect(text.split('\n')[at.line - 1]).toBe('  name: Bad_Name');
    expect(at.column).toBe(error.pos.column);
  });

  it('leaves a text without markers as it is', () => {
    const d: Diagnostic = { ...error, pos: { file: 's.yaml', line: 3, column: 1 } };
    expect(placeInText(ns('a'), [d])).toEqual([d]);
    expect(fileLabel(d)).toBeNull();
  });
});
