/**
 * The fast path (js-yaml, positions on demand) against the full reader (the `yaml` package's
 * syntax tree): same documents, same values, the same line:column for every field path, or the
 * fast path declines and the full reader answers alone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastParse } from './fastYaml';
import { childPath, MAX_YAML_DEPTH, parseWithPositions, parseYamlFile } from './yaml';

/** Every field path of a plain value, with one unwritten child per map (ancestor fallback). */
function pathsOf(value: unknown, path = '', out: string[] = []): string[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, childPath(path, i), out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) pathsOf(v, childPath(path, k), out);
    out.push(childPath(path, 'notWritten'));
  }
  return out;
}

/** Asserts both readers agree on `text`; returns whether the fast path read it. */
function agree(text: string): boolean {
  const fast = parseYamlFile(text, 'f.yaml');
  const full = parseWithPositions(text, 'f.yaml');
  expect(fast.diagnostics).toEqual(full.diagnostics);
  expect(fast.documents.map((d) => d.index)).toEqual(full.documents.map((d) => d.index));
  fast.documents.forEach((doc, i) => {
    const other = full.documents[i]!;
    expect(doc.value).toEqual(other.value);
    for (const p of pathsOf(other.value)) {
      expect({ p, pos: doc.posOf(p) }).toEqual({ p, pos: other.posOf(p) });
    }
  });
  return fastParse(text, MAX_YAML_DEPTH) !== undefined;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name.startsWith('dist')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yamlFiles(full, out);
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}

const SNIPPETS: Record<string, string> = {
  'flow maps and lists in block lists': `spec:
  ports:
    - {port: 81, targetPort: Bad_Name}
    - [a, b, {c: d}]
    - {"q": 1,   r : 2, s, t: 3}
    - - nested
      - [x, [y, z]]
`,
  'comments, blank lines and quoted keys': `# head

apiVersion: v1   # trailing
"kind": 'Pod'
metadata:
  # before the key
  name: web

  labels: {app: "a b", 'tier': x}
spec:
  containers:
  -   name: c
      ports:
      -
        containerPort: 80
`,
  'block scalars and multi-line plain scalars': `a: |
  line one
  line two
b: >-
  folded
  text
c: plain
  continued
d: "double
  quoted"
e: after
`,
  'documents: markers, empty ones, end markers': `---
a: 1
...
---
---
# only a comment
---
- x
- y
--- plain scalar
---
z: ~
`,
  'scalars resolved as the yaml package resolves them': `ints: [0o17, 0x1F, -12, +3, 1_000, 0b101, 012]
floats: [1.5, .5, -.inf, .NaN, 1e3, 2.E-2, 1.]
bools: [true, True, TRUE, yes, no, on, off]
nulls: [~, null, Null, NULL, '']
dates: 2024-01-01
key_1: {1: one, true: t, null: n, 1.0: f}
`,
  'CRLF line ends': 'a: 1\r\nb:\r\n  - c: 2\r\n    d: 3\r\n---\r\ne: [1, 2]\r\n',
  'a list at the indentation of its key': `spec:
  ingress:
  - from:
    - podSelector: {}
    ports:
    - port: 80
  egress: []
`,
  'no final newline': 'a: {b: [1, 2]}',
  'empty list items and values': 'a:\n  - \n  -\n  - x\nb:\nc: [ , ]\n',
  'brackets and a colon inside quotes': `a: "{x}: y"\nb: '[z]: w'\n`,
  'keys with dots and brackets': `metadata:
  labels:
    app.kubernetes.io/name: web
    app: x
    "a[0]": y
  annotations: {k8s.io/x: "1", a.b: {c: [d, e]}}
`,
  // Plain string keys are named from the text (fastYaml.ts keyName), the others from their value.
  'keys: blanks before the colon, tags, numbers, escapes': `a   : 1
'b c'  : 2
flow: { d :  3, "e\\u0041" : 4, f	: 5 }
!!str tagged: 6
0x10: hex
x-y.z/w: 7
`,
  // The fast path reads one document at a time, split at each line that opens with `---`.
  'document markers: with content, a comment, CRLF; lines that are not markers': `--- {a: 1}
--- # a comment after the marker
b: "--- not a marker"
c: |
  ---- not a marker either
  --- nor this
d:
 - ---x
----: a key of dashes
---x: another
---\r
e: [1]
---
`,
  'a top-level block scalar ended by the next marker': '--- |\n  line\n\n  more\n---\nnext: 1\n',
  'a document end marker, then a document without a start marker': 'a: 1\n...\nb: 2\n---\nc: 3\n',
  'comments only': '# nothing here\n\n# at all\n',
  'comments before the first marker': '# head\n---\na: 1\n---\n# tail\n',
  // Parts without `&`, `*` or a collection key are read without recording their nodes, and read
  // again, recording them, when a field other than the document's start is asked for.
  'parts read plain and parts recorded as read (`&` or `*` in a comment or a quoted value)': `a: 1 # & not an anchor
---
b: "*x"
---
c: {d: 1}
---
- e
- {f: [g]}
`,
  'document starts after comments, blank lines and tags': `# head

  # an indented comment
kind: Pod
--- !!map
a: 1
---   # after the marker

# more
b:
  - 1
---
!!seq
- c
`,
};

/** `levels` maps, one inside the other, in block style, with a scalar at the bottom. */
const blockNesting = (levels: number): string =>
  Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' leaf\n';

describe('the fast YAML path agrees with the full reader', () => {
  it('at the nesting limit and one past it', () => {
    // The deepest value read: maps down to the limit, counting the scalar at the bottom.
    const deepest = blockNesting(MAX_YAML_DEPTH - 1);
    expect(fastParse(deepest, MAX_YAML_DEPTH)).toBeDefined();
    agree(deepest);
    expect(parseYamlFile(deepest, 'f.yaml').diagnostics).toEqual([]);
    agree(blockNesting(MAX_YAML_DEPTH));
    const past = parseYamlFile(blockNesting(MAX_YAML_DEPTH + 1), 'f.yaml');
    expect(past.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining(`nests deeper than ${MAX_YAML_DEPTH} levels`),
    ]);
  });

  /** Snippets js-yaml refuses, which the full reader reads alone. */
  const DECLINED: Record<string, string> = {
    'scalars resolved as the yaml package resolves them': 'js-yaml: duplicated key (1 and 1.0)',
    'empty list items and values': "js-yaml: `[ , ]` has no node before ','",
  };
  for (const [name, text] of Object.entries(SNIPPETS)) {
    it(name, () => {
      // Read by the fast path itself unless known not to: a decline would leave the full reader
      // agreeing with itself.
      expect(agree(text)).toBe(!(name in DECLINED));
    });
  }

  it('on every YAML file in the repository, and reads them all itself', () => {
    const files = yamlFiles(join(__dirname, '../../..'));
    expect(files.length).toBeGreaterThan(20);
    const declined = files.filter((f) => !agree(readFileSync(f, 'utf8')));
    expect(declined).toEqual([]);
  });

  it("ends a document read plain where its recorded last node ends (positions' anchors)", () => {
    const texts = [
      ...Object.values(SNIPPETS),
      ...yamlFiles(join(__dirname, '../../..')).map((f) => readFileSync(f, 'utf8')),
    ];
    let documents = 0;
    for (const text of texts) {
      const docs = fastParse(text, MAX_YAML_DEPTH) ?? [];
      for (const { doc, file } of docs) {
        const before = file.end(doc);
        const start = file.offsetOf(doc, '');
        // A field below the start has the document's part read again, its nodes recorded.
        file.offsetOf(doc, 'notWritten');
        if (before !== file.end(doc) || start !== file.offsetOf(doc, '')) {
          expect({ text, doc, before, start }).toEqual({
            text,
            doc,
            before: file.end(doc),
            start: file.offsetOf(doc, ''),
          });
        }
        documents++;
      }
    }
    expect(documents).toBeGreaterThan(200);
  });

  it('declines what it does not read exactly (the full reader answers, with its positions)', () => {
    const declines = [
      'a: &x {b: 1}\nc: *x\n', // anchors and aliases
      'a: 1\na: 2\n', // duplicate key
      '? [a]\n: b\n', // explicit key
      '[a]: b\n', // collection as key
      'x:\n  {a: 1}: b\n', // collection as key
      '\ufeffa: 1\n', // byte-order mark
      'a: !foo x\n', // unknown tag
      'a: [1, 2\n', // syntax error
      '%YAML 1.2\n---\na: 1\n', // a directive
      'a: 1\n---\nb: [1\n---\nc: 3\n', // a syntax error in the second of three documents
      `${'['.repeat(MAX_YAML_DEPTH + 1)}${']'.repeat(MAX_YAML_DEPTH + 1)}\n`, // too deep
      blockNesting(MAX_YAML_DEPTH + 1), // too deep, in block style
    ];
    for (const text of declines) {
      expect(fastParse(text, MAX_YAML_DEPTH), text).toBeUndefined();
      agree(text);
    }
  });
});
