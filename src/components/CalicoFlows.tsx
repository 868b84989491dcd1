/**
 * Calico's flow logs as Whisker lists them (issue 17): one log per reporter (Src at the client's
 * node, Dst at the server's), with the action, the Whisker columns and, opened, the enforced and
 * pending policy traces (`tier|namespace|name|action`, and as Felix labels the hit). Filtered by
 * Whisker's own keys (datapath/flows/whiskerFilter.ts): `action=Deny policy~allow namespace=shop`.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FlowsData } from '../datapath/flows/flowsData';
import {
  formatPolicyHit,
  policyHitSummary,
  whiskerPolicyRows,
  type CalicoFlowLog,
} from '../datapath/flows/whisker';
import { filterFlowLogs, parseWhiskerFilter } from '../datapath/flows/whiskerFilter';
import { useAppActions, useAppStore, type AppState } from '../store';
import { FlowDoor } from './FlowDoor';
import { clockTime, flowPacket, verdictCounts } from './flowsView';
import { FilterExamples, FlowBack } from './FlowParts';
import { useFilterText } from './useFilterText';

const selectFilter = (s: AppState) => s.view.flows.calicoFilter;

const EXAMPLES = ['action=Deny', 'reporter=Dst', 'policyTier=default', 'protocol=tcp'];

const ROW_REM = 4.4;

const logKey = (l: CalicoFlowLog) => `${l.connection}:${l.reporter}`;

export function CalicoFlows({ data }: { readonly data: FlowsData | undefined }) {
  const stored = useAppStore(selectFilter);
  const { setFlowsView } = useAppActions();
  const [text, setText] = useFilterText(stored, (calicoFilter) => setFlowsView({ calicoFilter }));
  const [open, setOpen] = useState<string | null>(null);
  const errorId = useId();
  const filter = useMemo(() => {
    try {
      return { ok: true as const, filter: parseWhiskerFilter(text) };
    } catch (error) {
      return { ok: false as const, error: error instanceof Error ? error.message : String(error) };
    }
  }, [text]);
  const logs = useMemo(
    () => (data && filter.ok ? filterFlowLogs(data.calico, filter.filter) : []),
    [data, filter],
  );
  const counts = verdictCounts(logs.map((l) => ({ verdict: l.action })));
  const selected = logs.find((l) => logKey(l) === open);
  return (
    <div className="calico-flows">
      <label className="flows-filter">
        <span className="flows-command">filter</span>
        <input
          type="text"
          value={text}
          spellCheck={false}
          autoComplete="off"
          placeholder="action=Deny policy~allow namespace=shop"
          title="Whisker's filter keys: key=value matches exactly, key~value a part"
          aria-invalid={!filter.ok}
          aria-describedby={errorId}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <p id={errorId} className={filter.ok ? 'flows-hint' : 'flows-error'} aria-live="polite">
        {filter.ok
          ? 'Whisker’s keys: key=value matches exactly, key~value a part; keys of one name are ORed.'
          : filter.error}
      </p>
      <div className="flows-output">
        <FilterExamples examples={EXAMPLES} text={text} onPick={setText} />
        {data && filter.ok && (
          <span className="flows-count">
            {logs.length} flow log{logs.length === 1 ? '' : 's'}: {counts.forwarded} Allow,{' '}
            {counts.dropped} Deny
          </span>
        )}
      </div>
      {selected && data ? (
        <LogDetails log={selected} data={data} onClose={() => setOpen(null)} />
      ) : (
        <LogList logs={logs} open={open} onOpen={setOpen} />
      )}
    </div>
  );
}

const endpoint = (ns: string, name: string) => (ns && ns !== '-' ? `${ns}/${name}` : name);

function LogList({
  logs,
  open,
  onOpen,
}: {
  readonly logs: readonly CalicoFlowLog[];
  readonly open: string | null;
  readonly onOpen: (key: string | null) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  const v = useVirtualizer({
    count: logs.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_REM * rem,
    overscan: 8,
  });
  useEffect(() => v.measure(), [rem, v]);
  if (logs.length === 0) return <p className="flows-empty">No flow log matches.</p>;
  return (
    <div className="flows-list" ref={scroller} role="list" aria-label="Calico flow logs">
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const l = logs[item.index]!;
          const key = logKey(l);
          const deciding = l.policies.enforced.at(-1);
          return (
            <div
              key={key}
              role="listitem"
              className="flow-row"
              style={{
                position: 'absolute',
                top: item.start,
                height: item.size,
                left: 0,
                right: 0,
              }}
            >
              <button
                type="button"
                aria-expanded={open === key}
                data-verdict={l.action}
                onClick={() => onOpen(open === key ? null : key)}
              >
                <span className="flow-who">{endpoint(l.source_namespace, l.source_name)}</span>
                <span className="flow-who">
                  → {endpoint(l.dest_namespace, l.dest_name)}
                  <span className="flow-port">
                    {' '}
                    {l.protocol} {l.dest_port}
                  </span>
                </span>
                <span className="flow-what">
                  <time>{clockTime(l.time)}</time> reporter {l.reporter}
                  <span className="flow-verdict"> {l.action}</span>
                  {deciding && <span> {policyHitSummary(deciding)}</span>}
                </span>
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Trace({
  title,
  hits,
}: {
  readonly title: string;
  readonly hits: CalicoFlowLog['policies']['enforced'];
}) {
  return (
    <>
      <p className="flow-details-title">{title}</p>
      {hits.length === 0 ? (
        <p className="flows-empty">No policy hit.</p>
      ) : (
        <ol className="flow-trace">
          {whiskerPolicyRows(hits).map((w, i) => (
            <li key={i}>
              <code>{policyHitSummary(hits[i]!)}</code>{' '}
              <span className="flow-hit-note">
                {w.kind}
                {w.policy_index !== null ? `, policy ${w.policy_index}` : ''}
                {w.rule_index !== null ? `, rule ${w.rule_index}` : ''} ({formatPolicyHit(hits[i]!)}
                )
              </span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

function LogDetails({
  log,
  data,
  onClose,
}: {
  readonly log: CalicoFlowLog;
  readonly data: FlowsData;
  readonly onClose: () => void;
}) {
  const packet = flowPacket(data.rows, log.connection, 'request');
  return (
    <div className="flow-details" aria-label="Flow log details" role="region">
      <FlowBack onClose={onClose} />
      <p className="flow-details-title">
        {endpoint(log.source_namespace, log.source_name)} →{' '}
        {endpoint(log.dest_namespace, log.dest_name)} {log.protocol} {log.dest_port}, reported by{' '}
        {log.reporter === 'Src' ? 'the source' : 'the destination'}&rsquo;s node: {log.action}
        {log.dest_service_name
          ? ` (via Service ${log.dest_service_namespace}/${log.dest_service_name}:${log.dest_service_port})`
          : ''}
      </p>
      <Trace title="Enforced policy trace" hits={log.policies.enforced} />
      <Trace
        title="Pending policy trace (what staged policies would do, enforced)"
        hits={log.policies.pending}
      />
      {packet && <FlowDoor cni="calico" packet={packet} />}
    </div>
  );
}
