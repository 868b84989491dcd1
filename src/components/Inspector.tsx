/**
 * The inspector of one CNI panel: for the current hop, where the packet is, the table it consulted
 * with every row tested and the deciding one highlighted, the headers before and after, what the hop
 * cost and why it happens; at the end of the walk, the verdict in the CNI's own words.
 *
 * Everything shown comes from the hop (src/datapath): the rows, the match, the explanation. A hop
 * without rows but with a match shows that match as the table's one row.
 */
import './Inspector.css';
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { rowTarget, type DumpTarget } from '../datapath/dumpTargets';
import type { Hop, HopRow, PacketHeader } from '../datapath/hop';
import { CNI_TITLE, STAGE_WORDS } from '../scene/words';
import type { Cni } from '../engine/model';

export interface InspectorProps {
  cni: Cni;
  hop: Hop | undefined;
  previous: Hop | undefined;
  index: number;
  total: number;
  verdict: 'delivered' | 'dropped' | undefined;
  dropReason?: string;
  /** Words to mark wherever they appear in the hop's place and table rows (set by a lesson step). */
  highlight?: readonly string[];
  /** Shown under the verdict at the end of the walk (why, and a fix: FixPanel). */
  verdictDetail?: ReactNode;
  /** Opens the Dataplane panel at a row of the hop's table (rows it can find get the link). */
  onShowInDataplane?: (target: DumpTarget) => void;
}

/** Text with every occurrence of the highlight words wrapped in <mark>. */
export function Highlighted({ text, words }: { text: string; words: readonly string[] }) {
  const useful = words.filter((w) => w.length > 0);
  if (useful.length === 0) return <>{text}</>;
  const pattern = new RegExp(
    `(${useful.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
    'g',
  );
  return (
    <>{text.split(pattern).map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part))}</>
  );
}

const NO_WORDS: readonly string[] = [];

const STATE = {
  matched: { symbol: '▶', label: 'Matched' },
  tested: { symbol: '•', label: 'Tested' },
  'not-reached': { symbol: '○', label: 'Not reached' },
} as const;

/** `TCP 10.244.0.5:40000 → 10.244.1.11:8080`, with what an encapsulation adds. */
export function formatHeader(h: PacketHeader): string {
  const port = (p: number | undefined) => (p === undefined ? '' : `:${p}`);
  const extra = [
    h.ipProtocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(h.proto)
      ? `IP proto ${h.ipProtocol}`
      : '',
    h.vni !== undefined ? `VNI ${h.vni}` : '',
    h.spi !== undefined ? `SPI ${h.spi}` : '',
    h.bytes !== undefined ? `+${h.bytes} B` : '',
  ].filter(Boolean);
  return `${h.proto} ${h.src}${port(h.sport)} → ${h.dst}${port(h.dport)}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

const endpoint = (ip: string, p: number | undefined) => (p === undefined ? ip : `${ip}:${p}`);

/** What the hop did to the headers, in one sentence, from the two stacks alone. */
export function describeHeaderChange(
  before: readonly PacketHeader[],
  after: readonly PacketHeader[],
): string {
  if (after.length > before.length) {
    const outer = after.slice(0, after.length - before.length);
    return `Encapsulated: ${outer.map((h) => `${h.proto} outer header${h.bytes ? ` (+${h.bytes} bytes)` : ''}`).join(' and ')} added around the packet.`;
  }
  if (after.length < before.length) {
    const removed = before.slice(0, before.length - after.length);
    return `Decapsulated: ${removed.map((h) => h.proto).join(' and ')} outer header removed.`;
  }
  const changes: string[] = [];
  before.forEach((b, i) => {
    const a = after[i];
    if (!a) return;
    if (a.proto !== b.proto) changes.push(`${b.proto} became ${a.proto}`);
    if (a.src !== b.src || a.sport !== b.sport)
      changes.push(`source ${endpoint(b.src, b.sport)} → ${endpoint(a.src, a.sport)}`);
    if (a.dst !== b.dst || a.dport !== b.dport)
      changes.push(`destination ${endpoint(b.dst, b.dport)} → ${endpoint(a.dst, a.dport)}`);
  });
  return changes.length === 0
    ? 'Headers unchanged by this hop.'
    : `Rewritten: ${changes.join('; ')}.`;
}

function HeaderStack({ headers }: { headers: readonly PacketHeader[] }) {
  if (headers.length === 0) return <p className="inspector-muted">No headers.</p>;
  return (
    <ol className="inspector-header-stack">
      {headers.map((h, i) => (
        <li key={i}>
          {headers.length > 1 && (
            <span className="inspector-layer">
              {i === 0 ? 'outer' : i === headers.length - 1 ? 'inner' : 'middle'}
            </span>
          )}
          <code>{formatHeader(h)}</code>
        </li>
      ))}
    </ol>
  );
}

/** The rows to show: the hop's own, or its one match. */
function rowsOf(hop: Hop): readonly HopRow[] {
  if (hop.rows && hop.rows.length > 0) return hop.rows;
  if (hop.match) return [{ text: hop.match, state: 'matched' }];
  return [];
}

function TableRows({
  hop,
  label,
  highlight,
  onShow,
}: {
  hop: Hop;
  label: string;
  highlight: readonly string[];
  onShow: ((target: DumpTarget) => void) | undefined;
}) {
  const rows = rowsOf(hop);
  const scroller = useRef<HTMLDivElement>(null);
  const current = useRef<HTMLTableRowElement>(null);
  // Bring the matching row into the middle of the scrolled table, without moving the page.
  useEffect(() => {
    const box = scroller.current;
    const row = current.current;
    if (!box || !row) return;
    const b = box.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    box.scrollTop += r.top - b.top - (b.height - r.height) / 2;
  }, [hop]);
  if (rows.length === 0) return null;
  const tested = rows.filter((r) => r.state !== 'not-reached').length;
  // A hop whose rows span several chains (FORWARD → cali-FORWARD → dispatch → endpoint → policy)
  // labels each row with its chain.
  const chains = rows.some((r) => r.chain !== undefined);
  return (
    <div className="inspector-rows" ref={scroller} tabIndex={0} role="group" aria-label={label}>
      <table>
        <caption className="visually-hidden">
          {label}: {rows.length} row{rows.length === 1 ? '' : 's'}, {tested} looked at
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            {chains && <th scope="col">Chain</th>}
            <th scope="col">Row</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const s = STATE[row.state];
            const matched = row.state === 'matched';
            return (
              <tr
                key={i}
                className={`inspector-row inspector-row-${row.state}`}
                data-state={row.state}
                ref={matched ? current : undefined}
                aria-current={matched ? 'true' : undefined}
              >
                <td className="inspector-row-number">{i + 1}</td>
                {chains && (
                  <td className="inspector-row-chain">
                    <code>{row.chain ?? ''}</code>
                  </td>
                )}
                <td>
                  <code>
                    <Highlighted text={row.text} words={highlight} />
                  </code>
                </td>
                <td className="inspector-row-result">
                  <span className="inspector-row-state">
                    <span aria-hidden="true">{s.symbol}</span> {s.label}
                  </span>
                  {row.outcome && <span className="inspector-row-outcome">{row.outcome}</span>}
                  {onShow && <DataplaneLink row={row} hop={hop} n={i + 1} onShow={onShow} />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** "Show in Dataplane": the row in its node's dump, when the dump has it. */
function DataplaneLink({
  row,
  hop,
  n,
  onShow,
}: {
  row: HopRow;
  hop: Hop;
  n: number;
  onShow: (target: DumpTarget) => void;
}) {
  const target = rowTarget(row, hop);
  if (!target) return null;
  return (
    <button
      type="button"
      className="inspector-dataplane-link"
      aria-label={`Show row ${n} in the Dataplane panel`}
      onClick={() => onShow(target)}
    >
      Show in Dataplane
    </button>
  );
}

export function Inspector({
  cni,
  hop,
  previous,
  index,
  total,
  verdict,
  dropReason,
  highlight = NO_WORDS,
  verdictDetail,
  onShowInDataplane,
}: InspectorProps) {
  const id = useId();
  const title = `${CNI_TITLE[cni]} inspector`;
  const titleId = `${id}-title`;
  const atEnd = hop !== undefined && verdict !== undefined && index >= total - 1;
  return (
    <section className={`inspector inspector-${cni}`} aria-labelledby={titleId}>
      <h3 id={titleId}>{title}</h3>
      {!hop ? (
        <p className="inspector-muted">
          No hop to inspect yet: choose a packet with the Packet button in the toolbar, or click a
          pod in a topology and then its destination.
        </p>
      ) : (
        <>
          <p className="inspector-step">
            Hop {index + 1} of {total}: <strong>{STAGE_WORDS[hop.stage].name}</strong>
          </p>

          <h4>Where</h4>
          <dl className="inspector-where">
            <div>
              <dt>Node</dt>
              <dd>{hop.node}</dd>
            </div>
            <div>
              <dt>Interface / hook</dt>
              <dd>
                <code>
                  <Highlighted text={hop.where} words={highlight} />
                </code>
              </dd>
            </div>
            <div>
              <dt>Stage</dt>
              <dd>
                {STAGE_WORDS[hop.stage].name}: {STAGE_WORDS[hop.stage].gloss}
              </dd>
            </div>
          </dl>

          {hop.table ? (
            <>
              <h4>
                Table consulted: <code>{hop.table}</code>
              </h4>
              <TableRows
                hop={hop}
                label={`Rows of ${hop.table}`}
                highlight={highlight}
                onShow={onShowInDataplane}
              />
            </>
          ) : null}

          <h4>Headers</h4>
          <div className="inspector-headers">
            <div>
              <p className="inspector-headers-label">Before (outer first)</p>
              {previous ? (
                <HeaderStack headers={previous.headers} />
              ) : (
                <p className="inspector-muted">The first hop: the packet as it is sent.</p>
              )}
            </div>
            <div>
              <p className="inspector-headers-label">After (outer first)</p>
              <HeaderStack headers={hop.headers} />
            </div>
          </div>
          {previous && (
            <p className="inspector-change">
              {describeHeaderChange(previous.headers, hop.headers)}
            </p>
          )}

          <h4>Cost of this hop</h4>
          <dl className="inspector-cost">
            <div>
              <dt>Rules tested</dt>
              <dd>{hop.cost.rules}</dd>
            </div>
            <div>
              <dt>Map lookups</dt>
              <dd>{hop.cost.lookups}</dd>
            </div>
          </dl>

          <h4>What happens here</h4>
          <p className="inspector-explanation">{hop.explanation}</p>

          {atEnd && (
            <div className={`inspector-verdict inspector-verdict-${verdict}`}>
              <h4>Verdict</h4>
              {verdict === 'delivered' ? (
                <p>
                  <span aria-hidden="true">✓</span> Delivered.
                </p>
              ) : (
                <p>
                  <span aria-hidden="true">✗</span> Dropped
                  {dropReason ? (
                    <>
                      : <q>{dropReason}</q>
                    </>
                  ) : (
                    '.'
                  )}
                </p>
              )}
              {verdictDetail}
            </div>
          )}
        </>
      )}
    </section>
  );
}
