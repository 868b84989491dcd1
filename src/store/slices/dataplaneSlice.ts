/**
 * The dataplane slice (issue 16): what the Dataplane panel shows (which CNI, which node), the row
 * another view asked it to show (the inspector's "Show in Dataplane"), and the node's dump the
 * worker printed for it (app/dataplaneQuery.ts). Not in the URL: the panel's own choices.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { DataplaneDump } from '../../datapath/dataplaneDump';
import type { DumpTarget } from '../../datapath/dumpTargets';
import type { Cni } from '../../engine/model';

/** A row to bring into view; `seq` grows with each ask, so the same row asked again scrolls again. */
export interface DataplaneFocus {
  readonly cni: Cni;
  readonly target: DumpTarget;
  readonly seq: number;
}

export interface DataplaneSliceState {
  /** The CNI whose dataplane the panel shows; null until the panel picks one. */
  readonly dataplaneCni: Cni | null;
  /** The node dumped; null: the node of the current hop. */
  readonly dataplaneNode: string | null;
  readonly dataplaneFocus: DataplaneFocus | null;
  /** The dump the worker printed for that CNI and node. */
  readonly dataplaneDump: DataplaneDump | null;
  /**
   * A policy to show in the Policies editor (`NetworkPolicy shop/allow-web`, as formatRef prints
   * it), asked from a dump row; `seq` grows with each ask.
   */
  readonly policyReveal: { readonly ref: string; readonly seq: number } | null;
  /** The policy the Policies editor's cursor is in (formatRef), whose rows the panel marks. */
  readonly editorPolicy: string | null;
}

export interface DataplaneSliceActions {
  /** Shows a CNI's node (null: the node of the current hop). */
  showDataplane(cni: Cni, node: string | null): void;
  /** Shows the row a hop's table names, on its node. */
  focusDataplane(cni: Cni, target: DumpTarget): void;
  setDataplaneDump(dump: DataplaneDump | null): void;
  /** Asks the Policies editor to show the YAML of a policy. */
  revealPolicy(ref: string): void;
  setEditorPolicy(ref: string | null): void;
}

export type DataplaneSlice = DataplaneSliceState & DataplaneSliceActions;

export const DEFAULT_DATAPLANE_SLICE: DataplaneSliceState = {
  dataplaneCni: null,
  dataplaneNode: null,
  dataplaneFocus: null,
  dataplaneDump: null,
  policyReveal: null,
  editorPolicy: null,
};

export const createDataplaneSlice: StateCreator<DataplaneSlice> = (set) => ({
  ...DEFAULT_DATAPLANE_SLICE,
  showDataplane: (dataplaneCni, dataplaneNode) => set({ dataplaneCni, dataplaneNode }),
  focusDataplane: (cni, target) =>
    set((s) => ({
      dataplaneCni: cni,
      dataplaneNode: target.node,
      dataplaneFocus: { cni, target, seq: (s.dataplaneFocus?.seq ?? 0) + 1 },
    })),
  setDataplaneDump: (dataplaneDump) => set({ dataplaneDump }),
  revealPolicy: (ref) =>
    set((s) => ({ policyReveal: { ref, seq: (s.policyReveal?.seq ?? 0) + 1 } })),
  setEditorPolicy: (editorPolicy) => set({ editorPolicy }),
});
