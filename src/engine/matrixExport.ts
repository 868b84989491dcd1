/**
 * The connectivity matrix as files (issue 18, Export): one row per probe the Matrix panel shows
 * (source, destination, port, protocol, each CNI's verdict and the sentences that explain it), as
 * CSV (RFC 4180) and as JSON. Pure: the app hands in the explained verdicts the engine computed.
 */
import { explainCni, explanationText } from './explain';
import type { Cni } from './model';
import type { CniVerdict, ProbeVerdict } from './verdict';

/** A verdict as the matrix shows it: allowed, denied, or allowed at L3/L4 into the L7 proxy. */
export type MatrixVerdictWord = 'allowed' | 'denied' | 'l7-proxy';

export interface MatrixExportRow {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly calico: MatrixVerdictWord;
  readonly cilium: MatrixVerdictWord;
  readonly calicoReason: string;
  readonly ciliumReason: string;
}

const verdictWord = (c: CniVerdict): MatrixVerdictWord =>
  !c.allowed ? 'denied' : c.reference.l7?.redirected ? 'l7-proxy' : 'allowed';

const endpointName = (e: ProbeVerdict['probe']['from']): string => ('pod' in e ? e.pod : e.ip);

/** The rows of the matrix on screen, in the engine's order; ICMP probes have no column there. */
export function matrixExportRows(verdicts: readonly ProbeVerdict[]): MatrixExportRow[] {
  const reason = (v: ProbeVerdict, cni: Cni) => explanationText(explainCni(v, cni));
  return verdicts
    .filter((v) => v.probe.protocol !== 'ICMP')
    .map((v) => ({
      from: endpointName(v.probe.from),
      to: endpointName(v.probe.to),
      port: v.probe.port,
      protocol: v.probe.protocol,
      calico: verdictWord(v.calico),
      cilium: verdictWord(v.cilium),
      calicoReason: reason(v, 'calico'),
      ciliumReason: reason(v, 'cilium'),
    }));
}

export const MATRIX_CSV_COLUMNS = [
  'from',
  'to',
  'port',
  'protocol',
  'calico',
  'cilium',
  'calico_reason',
  'cilium_reason',
] as const;

/**
 * A spreadsheet runs a cell that starts with = + - @ as a formula (and tab or carriage return can
 * smuggle one in): OWASP's "CSV Injection" guidance is to prefix such a cell with a single quote,
 * which the spreadsheet shows as text. Pod names cannot start with these, but reasons and
 * addresses are free text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: injection-guarded, then quoted per RFC 4180 §2 when it holds a comma, quote or line break. */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: a header line, then one record per row, every line ending in CRLF. */
export function matrixCsv(rows: readonly MatrixExportRow[]): string {
  const lines = [
    MATRIX_CSV_COLUMNS.join(','),
    ...rows.map((r) =>
      [r.from, r.to, r.port, r.protocol, r.calico, r.cilium, r.calicoReason, r.ciliumReason]
        .map(csvField)
        .join(','),
    ),
  ];
  return lines.map((l) => `${l}\r\n`).join('');
}

/** The JSON file: which scenario and port, then the rows. */
export function matrixJson(
  rows: readonly MatrixExportRow[],
  meta: { readonly scenario: string; readonly port: number | null },
): string {
  return `${JSON.stringify({ scenario: meta.scenario, port: meta.port, rows }, null, 2)}\n`;
}
