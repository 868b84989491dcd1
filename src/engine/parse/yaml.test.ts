import { describe, expect, it } from 'vitest';
import { clip, parentPath, parseYamlFile } from './yaml';

const TEXT = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: main
    ports:
    - containerPort: 80
---
kind: Namespace
metadata: {name: shop}
`;

describe('parseYamlFile', () => {
  it('gives each document its value and the position of each field', () => {
    const { documents, diagnostics } = parseYamlFile(TEXT, 'a.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents).toHaveLength(2);
    const pod = documents[0]!;
    expect(pod.value).toMatchObject({ kind: 'Pod', metadata: { name: 'web' } });
    expect(pod.posOf('metadata.name')).toEqual({ file: 'a.yaml', line: 4, column: 3 });
    expect(pod.posOf('spec.containers[0].ports[0].containerPort')).toEqual({
      file: 'a.yaml',
      line: 9,
      column: 7,
    });
    // A path that is not written falls back to its nearest written ancestor.
    expect(pod.posOf('spec.containers[0].ports[0].protocol')).toEqual({
      file: 'a.yaml',
      line: 9,
      column: 7,
    });
    expect(documents[1]!.posOf('metadata.name')).toEqual({ file: 'a.yaml', line: 12, column: 12 });
  });

  it('reports a syntax error at its line and keeps the other documents', () => {
    const { documents, diagnostics } = parseYamlFile(
      'kind: Pod\n---\nkind: [unclosed\n---\nkind: Namespace\n',
      'b.yaml',
    );
    expect(documents.map((d) => (d.value as { kind: string }).kind)).toEqual(['Pod', 'Namespace']);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', pos: { file: 'b.yaml', line: 4 } });
  });

  it('rejects duplicate keys and oversized files', () => {
    expect(parseYamlFile('a: 1\na: 2\n', 'c.yaml').diagnostics[0]).toMatchObject({
      severity: 'error',
      pos: { line: 2 },
    });
    const huge = parseYamlFile('#'.repeat(9 * 1024 * 1024), 'd.yaml');
    expect(huge.diagnostics[0]!.message).toMatch(/limit is 8 MiB/);
  });

  it('walks paths up to their parent', () => {
    expect(parentPath('spec.ingress[0].from')).toBe('spec.ingress[0]');
    expect(parentPath('spec.ingress[0]')).toBe('spec.ingress');
    expect(parentPath('spec')).toBe('');
  });
});

describe('hostile YAML becomes diagnostics at line:column (issue 13)', () => {
  const errorsOf = (text: string) => {
    const r = parseYamlFile(text, 'h.yaml');
    return r.diagnostics.filter((d) => d.severity === 'error');
  };

  it('reports an alias without an anchor at the alias', () => {
    const [e, ...rest] = errorsOf('kind: Pod\nmetadata:\n  name: *a\n');
    expect(rest).toEqual([]);
    expect(e!.pos).toEqual({ file: 'h.yaml', line: 3, column: 9 });
    expect(e!.message).toMatch(/alias \*a refers to no anchor/);
  });

  it('stops an alias bomb (billion laughs) at the first alias', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    let prev = 'a';
    for (const n of 'bcdefghi') {
      text += `${n}: &${n} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
      prev = n;
    }
    const t0 = performance.now();
    const errors = errorsOf(text);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/alias bomb/);
    expect(errors[0]!.pos).toEqual({ file: 'h.yaml', line: 2, column: 8 });
  });

  it('keeps ordinary anchors and aliases', () => {
    const r = parseYamlFile('a: &x {b: 1}\nc: *x\n', 'h.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.documents[0]!.value).toEqual({ a: { b: 1 }, c: { b: 1 } });
  });

  it('refuses deep nesting in words, where it goes too deep, for flow and block collections', () => {
    for (const depth of [150, 5000, 200_000]) {
      const errors = errorsOf(`kind: Pod\nspec: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/nests deeper than 100 levels of maps and lists/);
      expect(errors[0]!.message).not.toMatch(/call stack/);
      // The 101st flow bracket, after "spec: " and 100 others (flow nesting is checked first).
      expect(errors[0]!.pos).toEqual({ file: 'h.yaml', line: 2, column: 107 });
    }
    const block = Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const [e] = errorsOf(`${block} 1\n`);
    expect(e!.message).toMatch(/nests deeper than 100 levels/);
    expect(e!.pos.line).toBe(101);
    // Brackets inside scalars are text, not nesting.
    expect(errorsOf(`a: '${'['.repeat(5000)}'\nb: "${'{'.repeat(5000)}"\n`)).toEqual([]);
    expect(errorsOf(`a: ${'['.repeat(50)}${']'.repeat(50)}\n`)).toEqual([]);
  });

  it('refuses aliases that, expanded, nest too deep', () => {
    let text = `a0: &a0 ${'['.repeat(60)}${']'.repeat(60)}\n`;
    for (let i = 1; i < 4; i++)
      text += `a${i}: &a${i} ${'['.repeat(60)}*a${i - 1}${']'.repeat(60)}\n`;
    const [e] = errorsOf(text);
    expect(e!.message).toMatch(/with its aliases expanded, this document nests deeper/);
  });

  it('clips a long YAML message', () => {
    expect(clip('x'.repeat(250))).toBe(`${'x'.repeat(200)}… (50 more characters)`);
    expect(clip('short')).toBe('short');
  });
});
