import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing';
import { engineFor } from './scenarios';
import {
  csvField,
  MATRIX_CSV_COLUMNS,
  matrixCsv,
  matrixExportRows,
  matrixJson,
} from '../engine/matrixExport';
import { defaultProbes, evaluateProbe, type ProbeVerdict } from '../engine/verdict';

const SEED = 'seed-policies.yaml';

function seedVerdicts(): ProbeVerdict[] {
  const engine = engineFor(SEED);
  return defaultProbes(engine.cluster).flatMap((p) => {
    const r = evaluateProbe(engine, p);
    return r.ok ? [r.verdict] : [];
  });
}

/** RFC 4180 read back, strictly: records end in CRLF, quoted fields double their quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error(`unclosed quote at ${i}`);
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      if (end < 0) throw new Error(`record without CRLF at ${i}`);
      field = text.slice(i, i + end);
      if (/["\r\n]/.test(field)) throw new Error(`bare quote or line break at ${i}`);
      i += end;
    }
    record.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`expected , or CRLF at ${i}`);
  }
  return records;
}

describe('csvField', () => {
  it('quotes per RFC 4180 only what needs it, doubling quotes', () => {
    expect(csvField('shop/frontend')).toBe('shop/frontend');
    expect(csvField(8080)).toBe('8080');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('prefixes cells a spreadsheet would run as a formula with a quote', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvField(`${start}1+1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('-1')).toBe("'-1");
    // Not at the start: left alone.
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('10.0.0.1')).toBe('10.0.0.1');
  });
});

describe('matrix export', () => {
  const verdicts = seedVerdicts();
  const rows = matrixExportRows(verdicts);

  it('has one row per TCP/UDP/SCTP probe, each CNI verdict as the engine and the CLI give it', () => {
    const cli = JSON.parse(runCli(['verdict', `lessons/scenarios/${SEED}`, '--json']).out) as {
      probes: {
        from: string;
        to: string;
        port: number;
        protocol: string;
        calico: { allowed: boolean };
        cilium: { allowed: boolean };
      }[];
    };
    expect(rows.length).toBe(cli.probes.length);
    expect(rows.length).toBeGreaterThan(10);
    rows.forEach((r, i) => {
      const c = cli.probes[i]!;
      expect([r.from, r.to, r.port, r.protocol]).toEqual([c.from, c.to, c.port, c.protocol]);
      expect(r.calico !== 'denied').toBe(c.calico.allowed);
      expect(r.cilium !== 'denied').toBe(c.cilium.allowed);
    });
    // The seed scenario drops some connections and lets the L7 rule's traffic into Cilium's proxy.
    expect(rows.some((r) => r.calico === 'denied')).toBe(true);
    expect(rows.some((r) => r.cilium === 'l7-proxy')).toBe(true);
    expect(rows.every((r) => r.calicoReason.length > 20 && r.ciliumReason.length > 20)).toBe(true);
  });

  it('reads back from the CSV as the same rows', () => {
    const csv = matrixCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, ...records] = parseCsv(csv);
    expect(header).toEqual([...MATRIX_CSV_COLUMNS]);
    expect(records).toEqual(
      rows.map((r) => [
        r.from,
        r.to,
        String(r.port),
        r.protocol,
        r.calico,
        r.cilium,
        r.calicoReason,
        r.ciliumReason,
      ]),
    );
  });

  it('keeps a hostile name a plain text cell', () => {
    const hostile = { ...rows[0]!, calicoReason: '=cmd|" /C calc"!A0', from: '@evil, "x"' };
    const [, record] = parseCsv(matrixCsv([hostile]));
    expect(record![0]).toBe('\'@evil, "x"');
    expect(record![6]).toBe('\'=cmd|" /C calc"!A0');
  });

  it('writes JSON with the scenario, the port and the rows', () => {
    const parsed = JSON.parse(
      matrixJson(rows, { scenario: 'seed-policies', port: 8080 }),
    ) as unknown;
    expect(parsed).toEqual({ scenario: 'seed-policies', port: 8080, rows });
  });
});
