/**
 * The Flows panel (issue 17): "Run traffic" over the scenario, walked through both CNIs in the
 * worker (app/flowsQuery.ts), shown as each CNI's own tools show it: Hubble's flows for Cilium
 * (filtered by `hubble observe`'s own flags), Calico's flow logs as Whisker lists them (with their
 * policy traces), and a service map for either. A flow is a door: walk that packet, see its
 * dataplane rows, or its fix. The tab and the filters are in the URL (view.flows).
 */
import './FlowsPanel.css';
import { lazy, Suspense } from 'react';
import type { FlowsData } from '../datapath/flows/flowsData';
import {
  FLOW_TABS,
  selectCluster,
  useAppActions,
  useAppStore,
  type AppState,
  type FlowTab,
} from '../store';
import { CalicoFlows } from './CalicoFlows';
import { HubbleFlows } from './HubbleFlows';

const ServiceMapView = lazy(() =>
  import('./ServiceMapView').then((m) => ({ default: m.ServiceMapView })),
);

const TAB_LABEL: Record<FlowTab, string> = {
  hubble: 'Hubble',
  calico: 'Calico',
  map: 'Map',
};

const TAB_TITLE: Record<FlowTab, string> = {
  hubble: "Cilium's flows as Hubble shows them (hubble observe)",
  calico: "Calico's flow logs as Whisker shows them (Goldmane)",
  map: 'The service map (Hubble UI), for either CNI',
};

const selectRun = (s: AppState) => s.flowsRun;
const selectFlowsView = (s: AppState) => s.view.flows;

function RunBar() {
  const run = useAppStore(selectRun);
  const cluster = useAppStore(selectCluster);
  const { stopFlows, runFlowsAgain } = useAppActions();
  const current = run && run.cluster === cluster ? run : null;
  const data = current?.data;
  return (
    <div className="flows-run" role="status">
      {!current || current.status === 'running' ? (
        <>
          <span>
            Running traffic through both CNIs…
            {current && current.total > 0 ? ` ${current.done} of ${current.total} connections` : ''}
          </span>
          {current && current.total > 0 && (
            <progress max={current.total} value={current.done} aria-label="Traffic progress" />
          )}
          <button type="button" onClick={stopFlows}>
            Stop
          </button>
        </>
      ) : (
        <>
          <span>
            {current.status === 'failed'
              ? `The traffic run failed: ${current.error ?? 'no reason given'}`
              : current.status === 'stopped'
                ? `Stopped after ${current.done} of ${current.total} connections.`
                : runSummary(data!)}
          </span>
          <button type="button" onClick={runFlowsAgain}>
            Run again
          </button>
        </>
      )}
    </div>
  );
}

function runSummary(data: FlowsData): string {
  const n = data.rows.length;
  const left = data.omitted > 0 ? `; ${data.omitted.toLocaleString('en')} more left out (cap)` : '';
  return `${n.toLocaleString('en')} connection${n === 1 ? '' : 's'} through both CNIs, replies too, in ${(data.elapsedMs / 1000).toFixed(1)} s${left}.`;
}

export function FlowsPanel() {
  const view = useAppStore(selectFlowsView);
  const run = useAppStore(selectRun);
  const cluster = useAppStore(selectCluster);
  const { setFlowsView } = useAppActions();
  const data = run && run.cluster === cluster ? run.data : undefined;
  return (
    <section className="flows" aria-labelledby="flows-title">
      <h3 id="flows-title" className="visually-hidden">
        Flows
      </h3>
      <RunBar />
      <div className="segmented flows-tabs" role="group" aria-label="Flow view">
        {FLOW_TABS.map((tab) => (
          <button
            key={tab}
            type="button"
            title={TAB_TITLE[tab]}
            aria-pressed={view.tab === tab}
            onClick={() => setFlowsView({ tab })}
          >
            {TAB_LABEL[tab]}
          </button>
        ))}
      </div>
      {data && data.diagnostics.length > 0 && (
        <ul className="flows-problems" aria-label="Problems in the traffic file">
          {data.diagnostics.map((d, i) => (
            <li key={i}>
              {d.pos.file}:{d.pos.line}:{d.pos.column}
              {d.field ? ` ${d.field}` : ''}: {d.message}
            </li>
          ))}
        </ul>
      )}
      {view.tab === 'hubble' && <HubbleFlows data={data} />}
      {view.tab === 'calico' && <CalicoFlows data={data} />}
      {view.tab === 'map' && (
        <Suspense fallback={<p>Loading the service map…</p>}>
          <ServiceMapView data={data} />
        </Suspense>
      )}
    </section>
  );
}
