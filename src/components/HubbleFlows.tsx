/**
 * Cilium's flows as Hubble shows them (issue 17): a filter bar that takes `hubble observe`'s own
 * flags (parsed and combined as hubble does: datapath/flows/hubbleFilter.ts), the flows as Hubble UI
 * lists them (virtualised), or the matching events as `hubble observe -o compact` / `-o json` print
 * them. A flow opens into the events Hubble emitted along its walk.
 */
import { useMemo, useState } from 'react';
import type { FlowsData } from '../datapath/flows/flowsData';
import { hubbleFilter, type FlowPredicate } from '../datapath/flows/hubbleFilter';
import { compactLine, jsonLine } from '../datapath/flows/hubbleFormat';
import { useAppActions, useAppStore, type AppState } from '../store';
import { FlowDoor } from './FlowDoor';
import {
  clockTime,
  flowPacket,
  hubbleFlowRows,
  verdictCounts,
  type HubbleFlowRow,
} from './flowsView';
import { ToggleGroup } from './ToggleGroup';
import { FilterBar, FlowBack, FlowRows, useFlowFilter, type FilterSyntax } from './FlowParts';

const selectObserve = (s: AppState) => s.view.flows.observe;

const OBSERVE_SYNTAX: FilterSyntax<FlowPredicate | null> = {
  command: 'hubble observe',
  placeholder: '--verdict DROPPED --to-label app=api',
  hint: 'Flags of one kind are ORed, of different kinds ANDed, as hubble observe combines them.',
  /** Flags worth one click, from the seed articles' own examples. */
  examples: ['--verdict DROPPED', '--type l7', '--type policy-verdict', '--protocol tcp'],
  /** hubble observe's flags as a predicate; no flags, every flow. */
  parse: (text) => (text.trim() === '' ? null : hubbleFilter(text)),
};

/** Lines printed at most in the compact and JSON outputs (the CLI prints them all). */
const MAX_LINES = 2000;

const OUTPUTS = ['flows', 'compact', 'json'] as const;
type Output = (typeof OUTPUTS)[number];

export function HubbleFlows({ data }: { readonly data: FlowsData | undefined }) {
  const observe = useAppStore(selectObserve);
  const { setFlowsView } = useAppActions();
  const { text, setText, filter } = useFlowFilter(
    observe,
    (observe) => setFlowsView({ observe }),
    OBSERVE_SYNTAX,
  );
  const [output, setOutput] = useState<Output>('flows');
  const [open, setOpen] = useState<string | null>(null);
  const rows = useMemo(
    () => (data && filter.ok ? hubbleFlowRows(data.hubble, filter.value) : []),
    [data, filter],
  );
  const lines = useMemo(() => {
    if (output === 'flows' || !data || !filter.ok) return [];
    const matches = filter.value;
    const events = matches ? data.hubble.filter((e) => matches(e.flow)) : data.hubble;
    const print = output === 'compact' ? compactLine : jsonLine;
    return events.slice(0, MAX_LINES).map((e) => print(e.flow));
  }, [output, data, filter]);
  const counts = verdictCounts(rows);
  const selected = rows.find((r) => r.key === open);

  return (
    <div className="hubble-flows">
      <FilterBar syntax={OBSERVE_SYNTAX} text={text} onText={setText} filter={filter}>
        <ToggleGroup label="Output" options={OUTPUTS} value={output} onChange={setOutput}>
          {(o) => (o === 'flows' ? 'Flows' : o)}
        </ToggleGroup>
      </FilterBar>
      {data && filter.ok && (
        <p className="flows-count">
          {rows.length} flow{rows.length === 1 ? '' : 's'}: {counts.forwarded} forwarded,{' '}
          {counts.dropped} dropped
        </p>
      )}
      {output === 'flows' ? (
        selected && data ? (
          <FlowDetails row={selected} data={data} onClose={() => setOpen(null)} />
        ) : (
          <FlowRows
            items={rows}
            rowKey={(r) => r.key}
            verdict={(r) => r.verdict}
            label="Hubble flows"
            empty={data ? 'No flow matches.' : 'The flows appear when the run ends.'}
            open={open}
            onOpen={setOpen}
          >
            {(r) => <HubbleRow r={r} />}
          </FlowRows>
        )
      ) : (
        <pre className="flows-lines" tabIndex={0} aria-label={`hubble observe -o ${output}`}>
          {lines.join('\n')}
          {lines.length === MAX_LINES
            ? `\n… the first ${MAX_LINES} lines; cli observe prints all`
            : ''}
        </pre>
      )}
    </div>
  );
}

function HubbleRow({ r }: { readonly r: HubbleFlowRow }) {
  return (
    <>
      <span className="flow-who">
        {r.walk === 'reply' && <span className="flow-reply">reply </span>}
        {r.source}
      </span>
      <span className="flow-who">
        → {r.destination} <span className="flow-port">{r.port}</span>
      </span>
      <span className="flow-what">
        {/* The verdict first: the line wraps in a narrow drawer, the verdict stays at its start. */}
        <span className="flow-verdict">{r.verdict}</span> <time>{clockTime(r.time)}</time>
        {r.dropReason && <span> ({r.dropReason})</span>}
        {r.service && <span> via {r.service}</span>}
        {r.l7 && <span className="flow-l7"> {r.l7}</span>}
      </span>
    </>
  );
}

function FlowDetails({
  row,
  data,
  onClose,
}: {
  readonly row: HubbleFlowRow;
  readonly data: FlowsData;
  readonly onClose: () => void;
}) {
  const packet = flowPacket(data.rows, row.connection, row.walk);
  return (
    <div className="flow-details" aria-label="Flow details" role="region">
      <FlowBack onClose={onClose} />
      <p className="flow-details-title">
        {row.walk === 'reply' ? 'Reply: ' : ''}
        {row.source} → {row.destination} {row.port}, {row.verdict}: the events Hubble emitted along
        the walk
      </p>
      <ol className="flow-events">
        {row.events.map((e, i) => (
          <li key={i} className={row.matched[i] ? 'matched' : 'unmatched'}>
            <code>{compactLine(e.flow)}</code>
          </li>
        ))}
      </ol>
      {packet && <FlowDoor cni="cilium" packet={packet} />}
    </div>
  );
}
