/**
 * The Flows panel's service map (issue 17), as Hubble UI draws it, for either CNI's walks of the
 * run: a switch between Cilium and Calico (view.flows.mapCni, in the URL), the map drawn by d3
 * (viz/serviceMap.ts), a legend that names each line without colour, and, for the edge selected,
 * its connections, each a door to its walk and its dataplane rows.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlowsData } from '../datapath/flows/flowsData';
import type { ConnectionRow } from '../datapath/flows/rows';
import type { Cni } from '../engine/model';
import { selectThemePreference, useAppActions, useAppStore, type AppState } from '../store';
import { createServiceMap, edgeName } from '../viz/serviceMap';
import { foldServiceMap, type DrawnServiceMap } from '../viz/serviceMapFold';
import { FlowDoor } from './FlowDoor';
import { useD3Behaviour } from './hooks/useD3Behaviour';
import { useSize } from './hooks/useSize';
import './ServiceMapView.css';

const selectMapCni = (s: AppState) => s.view.flows.mapCni;

const CNIS: readonly { cni: Cni; label: string }[] = [
  { cni: 'cilium', label: 'Cilium' },
  { cni: 'calico', label: 'Calico' },
];

const plural = (n: number, word: string) =>
  `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** A connection's line: who to whom on which port, and what this CNI did with it. */
function ConnectionLine({ row, cni }: { row: ConnectionRow; cni: Cni }) {
  const p = row.packet;
  const port = p.protocol === 'ICMP' ? 'ICMP' : `${p.port}/${p.protocol}`;
  const outcome = row[cni];
  const verdict =
    'error' in outcome ? 'NOT WALKED' : outcome.verdict === 'delivered' ? 'FORWARDED' : 'DROPPED';
  const reason = 'error' in outcome ? outcome.error : outcome.dropReason;
  return (
    <li className="sm-flow" data-verdict={verdict}>
      <span className="sm-flow-who">
        {p.from} → {p.to} <span className="sm-flow-port">{port}</span>
      </span>{' '}
      <span className="sm-flow-verdict">{verdict}</span>
      {reason && <span className="sm-flow-reason"> {reason}</span>}
      <FlowDoor cni={cni} packet={p} />
    </li>
  );
}

function MapSvg({
  map,
  foldable,
  selected,
  onSelect,
  onToggle,
}: {
  map: DrawnServiceMap;
  foldable: boolean;
  selected: string | null;
  onSelect: (id: string) => void;
  onToggle: (namespace: string) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const size = useSize(box, { width: 420, height: 400 });
  const theme = useAppStore(selectThemePreference);
  const select = useRef(onSelect);
  select.current = onSelect;
  const toggle = useRef(onToggle);
  toggle.current = onToggle;
  const renderer = useD3Behaviour(
    svg,
    (el) =>
      createServiceMap({
        svg: el,
        onSelect: (id) => select.current(id),
        onToggleNamespace: (ns) => toggle.current(ns),
      }),
    [],
  );
  useEffect(() => {
    // The panel's font size: the projector theme's larger type makes a larger map.
    const fontSize = box.current ? parseFloat(getComputedStyle(box.current).fontSize) || 14 : 14;
    renderer.current?.update(map, { width: size.width, fontSize, selected, foldable });
  }, [renderer, map, foldable, size.width, selected, theme]);
  return (
    <div ref={box} className="sm-canvas" data-testid="service-map">
      <svg
        ref={svg}
        role="group"
        aria-label={`Service map for ${map.cni === 'cilium' ? 'Cilium' : 'Calico'}: ${plural(map.boxes.length, 'box')}, ${plural(map.edges.length, 'edge')}; each edge is a button that lists its flows`}
      />
    </div>
  );
}

function Legend() {
  const line = (verdict: string) => (
    <svg width="34" height="12" aria-hidden="true" className="sm-legend-line">
      <line x1="2" y1="6" x2="32" y2="6" className={`sm-line sm-${verdict}`} />
    </svg>
  );
  return (
    <ul className="sm-legend" aria-label="Legend">
      <li>{line('forwarded')} forwarded</li>
      <li>
        {line('dropped')} <span aria-hidden="true">✕</span> dropped
      </li>
      <li>{line('mixed')} mixed (3✓ 1✕)</li>
    </ul>
  );
}

export function ServiceMapView({ data }: { readonly data: FlowsData | undefined }) {
  const cni = useAppStore(selectMapCni);
  const { setFlowsView } = useAppActions();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // The namespaces opened on a large map (the others are folded into one box each).
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (ns: string) =>
    setOpen((before) => {
      const after = new Set(before);
      if (!after.delete(ns)) after.add(ns);
      return after;
    });
  const whole = data?.maps[cni];
  const folded = useMemo(() => (whole ? foldServiceMap(whole, open) : undefined), [whole, open]);
  const map = folded?.map;
  const selected = map?.edges.find((e) => e.id === selectedId) ?? null;
  const rows = useMemo(() => {
    if (!data || !selected) return [];
    const byId = new Map(data.rows.map((r) => [r.id, r]));
    return selected.connections.flatMap((id) => byId.get(id) ?? []);
  }, [data, selected]);
  const workloads = whole?.boxes.filter((b) => b.kind === 'workload').length ?? 0;

  return (
    <div className="service-map-view">
      <div className="sm-bar">
        <div className="segmented" role="group" aria-label="Service map of">
          {CNIS.map(({ cni: c, label }) => (
            <button
              key={c}
              type="button"
              aria-pressed={cni === c}
              onClick={() => setFlowsView({ mapCni: c })}
            >
              {label}
            </button>
          ))}
        </div>
        {map && (
          <span className="flows-count" role="status">
            {plural(workloads, 'workload')}, {plural(whole?.edges.length ?? 0, 'edge')}
          </span>
        )}
      </div>
      {!data && <p className="flows-empty">Running traffic…</p>}
      {map && map.edges.length === 0 && (
        <p className="flows-empty">No traffic in this run: the map has no edges.</p>
      )}
      {map && map.edges.length > 0 && (
        <>
          <Legend />
          {folded?.foldable && (
            <p className="flows-hint sm-fold-hint">
              Each namespace is one box (▸): click it to open it, and its name (▾) to fold it again.
            </p>
          )}
          <MapSvg
            map={map}
            foldable={folded?.foldable ?? false}
            selected={selected?.id ?? null}
            onSelect={setSelectedId}
            onToggle={toggle}
          />
          <section
            className="sm-selected"
            data-open={selected !== null}
            aria-live="polite"
            // It scrolls in a short drawer: the keyboard can scroll it too.
            tabIndex={0}
            aria-label="Flows of the selected edge"
          >
            {selected ? (
              <>
                <p className="sm-selected-title">{edgeName(map, selected.id)}</p>
                <ul className="sm-flows">
                  {rows.map((row) => (
                    <ConnectionLine key={row.id} row={row} cni={cni} />
                  ))}
                </ul>
              </>
            ) : (
              <p className="flows-hint">
                Select an edge (click, or Tab and Enter) to list its flows.
              </p>
            )}
          </section>
        </>
      )}
    </div>
  );
}
