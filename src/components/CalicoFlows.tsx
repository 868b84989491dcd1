/**
 * Calico's flow logs as Whisker lists them (issue 17): one log per reporter (Src at the client's
 * node, Dst at the server's), with the action, the Whisker columns and, opened, the enforced and
 * pending policy traces (`tier|namespace|name|action`, and as Felix labels the hit). Filtered by
 * Whisker's own keys (datapath/flows/whiskerFilter.ts): `action=Deny policy~allow namespace=shop`.
 */
import { useMemo, useState } from 'react';
import type { FlowsData } from '../datapath/flows/flowsData';
import {
  formatPolicyHit,
  policyHitSummary,
  whiskerPolicyRows,
  type CalicoFlowLog,
} from '../datapath/flows/whisker';
import {
  filterFlowLogs,
  parseWhiskerFilter,
  type WhiskerFilter,
} from '../datapath/flows/whiskerFilter';
import { useAppActions, useAppStore, type AppState } from '../store';
import { FlowDoor } from './FlowDoor';
import { clockTime, flowPacket, verdictCounts } from './flowsView';
import { FilterBar, FlowBack, FlowRows, useFlowFilter, type FilterSyntax } from './FlowParts';

const selectFilter = (s: AppState) => s.view.flows.calicoFilter;

const WHISKER_SYNTAX: FilterSyntax<WhiskerFilter> = {
  command: 'filter',
  placeholder: 'action=Deny policy~allow namespace=shop',
  hint: 'Whisker’s keys: key=value matches exactly, key~value a part; keys of one name are ORed.',
  examples: ['action=Deny', 'reporter=Dst', 'policyTier=default', 'protocol=tcp'],
  parse: parseWhiskerFilter,
};

const logKey = (l: CalicoFlowLog) => `${l.connection}:${l.reporter}`;

export function CalicoFlows({ data }: { readonly data: FlowsData | undefined }) {
  const stored = useAppStore(selectFilter);
  const { setFlowsView } = useAppActions();
  const { text, setText, filter } = useFlowFilter(
    stored,
    (calicoFilter) => setFlowsView({ calicoFilter }),
    WHISKER_SYNTAX,
  );
  const [open, setOpen] = useState<string | null>(null);
  const logs = useMemo(
    () => (data && filter.ok ? filterFlowLogs(data.calico, filter.value) : []),
    [data, filter],
  );
  const counts = verdictCounts(logs.map((l) => ({ verdict: l.action })));
  const selected = logs.find((l) => logKey(l) === open);
  return (
    <div className="calico-flows">
      <FilterBar syntax={WHISKER_SYNTAX} text={text} onText={setText} filter={filter}>
        {data && filter.ok && (
          <span className="flows-count">
            {logs.length} flow log{logs.length === 1 ? '' : 's'}: {counts.forwarded} Allow,{' '}
            {counts.dropped} Deny
          </span>
        )}
      </FilterBar>
      {selected && data ? (
        <LogDetails log={selected} data={data} onClose={() => setOpen(null)} />
      ) : (
        <FlowRows
          items={logs}
          rowKey={logKey}
          verdict={(l) => l.action}
          label="Calico flow logs"
          empty={data ? 'No flow log matches.' : 'The flow logs appear when the run ends.'}
          open={open}
          onOpen={setOpen}
        >
          {(l) => <LogRow l={l} />}
        </FlowRows>
      )}
    </div>
  );
}

const endpoint = (ns: string, name: string) => (ns && ns !== '-' ? `${ns}/${name}` : name);

function LogRow({ l }: { readonly l: CalicoFlowLog }) {
  const deciding = l.policies.enforced.at(-1);
  return (
    <>
      <span className="flow-who">{endpoint(l.source_namespace, l.source_name)}</span>
      <span className="flow-who">
        → {endpoint(l.dest_namespace, l.dest_name)}{' '}
        <span className="flow-port">
          {l.protocol} {l.dest_port}
        </span>
      </span>
      <span className="flow-what">
        <span className="flow-verdict">{l.action}</span> <time>{clockTime(l.time)}</time> reporter{' '}
        {l.reporter}
        {deciding && <span> {policyHitSummary(deciding)}</span>}
      </span>
    </>
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
