import { describe, expect, it } from 'vitest';
import { parentPath, parseYamlFile } from './yaml';

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
