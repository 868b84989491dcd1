/**
 * The panels registry, data part: every panel the visualizer can open, once. The URL codec
 * (store/viewState.ts), the lesson parser (lessons/parse.ts), the shell's panel toggles and the e2e
 * page object all derive from this list; the components that draw each panel are mapped to these ids
 * in components/panels.tsx. Pure data, no React, so Node (lesson checker, CLI) can import it.
 *
 * Adding a panel: one entry here, one entry in components/panels.tsx, and the panel's own files.
 */

/** Where a panel opens: inside each CNI panel (one per CNI), or in the side column beside them. */
export type PanelPlace = 'cni' | 'side';

export interface PanelSpec {
  /** The id in URLs (`panels=inspector,matrix`) and in lesson steps (`panels: [matrix]`). */
  readonly id: string;
  /** The toggle's name in the header (what tests and screen-reader users find it by). */
  readonly label: string;
  readonly place: PanelPlace;
}

export const PANEL_SPECS = [
  { id: 'inspector', label: 'Inspector', place: 'cni' },
  { id: 'policies', label: 'Policies', place: 'side' },
  { id: 'matrix', label: 'Matrix', place: 'side' },
  { id: 'scale', label: 'Scale', place: 'side' },
  { id: 'dataplane', label: 'Dataplane', place: 'side' },
  { id: 'flows', label: 'Flows', place: 'side' },
] as const satisfies readonly PanelSpec[];

export type PanelId = (typeof PANEL_SPECS)[number]['id'];

/** Every panel id, in the order the toggles show them. */
export const PANELS: readonly PanelId[] = PANEL_SPECS.map((p) => p.id);

export const isPanelId = (value: string): value is PanelId =>
  (PANELS as readonly string[]).includes(value);

export const panelSpec = (id: PanelId): PanelSpec => PANEL_SPECS.find((p) => p.id === id)!;

/** The Flows panel's tabs: Hubble's flows (Cilium), Calico's flow logs, the service map. */
export const FLOW_TABS = ['hubble', 'calico', 'map'] as const;
export type FlowTab = (typeof FLOW_TABS)[number];

/**
 * The Flows panel as a link or a lesson step sets it: the tab, the `hubble observe` flags typed in
 * its filter bar, the Calico flow-log filter (kept as typed: a filter that does not parse is said
 * in the panel, never dropped), the service map's CNI, and a traffic list (a traffic file's YAML,
 * datapath/flows/traffic.ts) instead of the generated traffic.
 */
export interface FlowsView {
  readonly tab: FlowTab;
  readonly observe: string;
  readonly calicoFilter: string;
  readonly mapCni: 'calico' | 'cilium';
  readonly traffic: string | null;
}

export const DEFAULT_FLOWS_VIEW: FlowsView = {
  tab: 'hubble',
  observe: '',
  calicoFilter: '',
  mapCni: 'cilium',
  traffic: null,
};
