/**
 * The view slice: the URL-backed, serialisable ViewState (scenario, modes, packet, step, layout,
 * panels) and the actions that change it. History and deep links snapshot this slice only.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { CalicoConfig, CiliumConfig } from '../../datapath/config';
import {
  DEFAULT_VIEW,
  type FlowsView,
  type Layout,
  type PacketChoice,
  type PanelId,
  type ViewState,
} from '../viewState';

export interface ViewSliceState {
  /** The URL-backed view: scenario, modes, packet, step, layout, panels. */
  readonly view: ViewState;
}

export interface ViewSliceActions {
  setView(view: ViewState): void;
  setScenario(id: string): void;
  /** Edited manifests for the current scenario; null returns to the built-in text. */
  setScenarioText(text: string | null): void;
  setCalico(config: CalicoConfig): void;
  setCilium(config: CiliumConfig): void;
  setPacket(packet: PacketChoice | null): void;
  setStep(step: number): void;
  setLayout(layout: Layout): void;
  togglePanel(panel: PanelId): void;
  setMatrixPort(port: number | null): void;
  /** Changes the Flows panel's tab or filters (the rest stays). */
  setFlowsView(change: Partial<FlowsView>): void;
}

export type ViewSlice = ViewSliceState & ViewSliceActions;

export const DEFAULT_VIEW_SLICE: ViewSliceState = { view: DEFAULT_VIEW };

export const createViewSlice: StateCreator<ViewSlice> = (set) => {
  /** Every view action replaces the view object, so subscribers of a field see a new value only. */
  const patch = (change: (view: ViewState) => Partial<ViewState>) =>
    set((s) => ({ view: { ...s.view, ...change(s.view) } }));
  return {
    ...DEFAULT_VIEW_SLICE,
    setView: (view) => set({ view }),
    setScenario: (scenarioId) =>
      patch(() => ({ scenarioId, scenarioText: null, packet: null, step: 0 })),
    setScenarioText: (scenarioText) => patch(() => ({ scenarioText })),
    setCalico: (calico) => patch(() => ({ calico })),
    setCilium: (cilium) => patch(() => ({ cilium })),
    setPacket: (packet) => patch(() => ({ packet, step: 0 })),
    setStep: (step) => patch(() => ({ step: Math.max(0, Math.trunc(step)) })),
    setLayout: (layout) => patch(() => ({ layout })),
    togglePanel: (panel) =>
      patch((view) => ({
        panels: view.panels.includes(panel)
          ? view.panels.filter((p) => p !== panel)
          : [...view.panels, panel],
      })),
    setMatrixPort: (matrixPort) => patch(() => ({ matrixPort })),
    setFlowsView: (change) => patch((view) => ({ flows: { ...view.flows, ...change } })),
  };
};
