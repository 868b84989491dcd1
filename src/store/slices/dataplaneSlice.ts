/**
 * The dataplane slice (issue 16): what the Dataplane panel shows (which CNI, which node), the row
 * another view asked it to show (the inspector's "Show in Dataplane"), and the node's dump the
 * worker printed for it (app/dataplaneQuery.ts). Not in the URL: the panel's own choices.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { DataplaneDump } from '../../datapath/dataplaneDump';
import type { DumpTarget } from '../../datapath/dumpTargets';
import type { DumpLine } from '../../engine/dumpLines';
import type { Cni } from '../../engine/model';
import type { ProbeVerdict } from '../../engine/verdict';
import { nextEditBase, type EditBase } from '../../datapath/editDiff';

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
  /** The cluster the dump was printed from: an edit loads another. */
  readonly dataplaneDumpCluster: object | null;
  /**
   * Live diff: per dump (`cni/node`), its lines before the user's edits of the scenario (keyed by
   * the scenario id), kept until Dismiss or another scenario (components/editDiff.ts).
   */
  readonly dataplaneBases: Readonly<Record<string, EditBase<readonly DumpLine[]>>>;
  /** The small matrix before the user's edits (keyed by scenario id and matrix port). */
  readonly matrixBase: EditBase<readonly ProbeVerdict[]> | null;
  /** The last small matrix written, and the cluster it is of (what Dismiss makes the base). */
  readonly matrixSeen: {
    readonly cluster: object;
    readonly verdicts: readonly ProbeVerdict[];
  } | null;
}

export interface DataplaneSliceActions {
  /** Shows a CNI's node (null: the node of the current hop). */
  showDataplane(cni: Cni, node: string | null): void;
  /** Shows the row a hop's table names, on its node. */
  focusDataplane(cni: Cni, target: DumpTarget): void;
  /** The dump printed for `cluster` of scenario `scenarioId` (also keeps the diff's base). */
  setDataplaneDump(dump: DataplaneDump | null, cluster?: object | null, scenarioId?: string): void;
  /** The dump shown becomes the base: no changes since. */
  dismissDataplaneDiff(): void;
  /** A small matrix written for `cluster` (`key`: scenario id and port): keeps the diff's base. */
  noteMatrix(key: string, cluster: object, verdicts: readonly ProbeVerdict[]): void;
  /** The matrix shown becomes the base: no changed cells. */
  dismissMatrixDiff(): void;
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
  dataplaneDumpCluster: null,
  dataplaneBases: {},
  matrixBase: null,
  matrixSeen: null,
};

/** The key of a dump's diff base: its CNI and node. */
export const dumpBaseKey = (dump: { cni: Cni; node: string }): string => `${dump.cni}/${dump.node}`;

export const createDataplaneSlice: StateCreator<DataplaneSlice> = (set) => ({
  ...DEFAULT_DATAPLANE_SLICE,
  showDataplane: (dataplaneCni, dataplaneNode) => set({ dataplaneCni, dataplaneNode }),
  focusDataplane: (cni, target) =>
    set((s) => ({
      dataplaneCni: cni,
      dataplaneNode: target.node,
      dataplaneFocus: { cni, target, seq: (s.dataplaneFocus?.seq ?? 0) + 1 },
    })),
  setDataplaneDump: (dataplaneDump, cluster = null, scenarioId = '') =>
    set((s) => {
      if (!dataplaneDump || !cluster) return { dataplaneDump, dataplaneDumpCluster: cluster };
      const key = dumpBaseKey(dataplaneDump);
      const base = nextEditBase(s.dataplaneBases[key], scenarioId, cluster, dataplaneDump.lines);
      return {
        dataplaneDump,
        dataplaneDumpCluster: cluster,
        dataplaneBases:
          base === s.dataplaneBases[key] ? s.dataplaneBases : { ...s.dataplaneBases, [key]: base },
      };
    }),
  dismissDataplaneDiff: () =>
    set((s) => {
      const dump = s.dataplaneDump;
      const base = dump ? s.dataplaneBases[dumpBaseKey(dump)] : undefined;
      if (!dump || !base || !s.dataplaneDumpCluster) return {};
      const next = { key: base.key, cluster: s.dataplaneDumpCluster, value: dump.lines };
      return { dataplaneBases: { ...s.dataplaneBases, [dumpBaseKey(dump)]: next } };
    }),
  noteMatrix: (key, cluster, verdicts) =>
    set((s) => ({
      matrixBase: nextEditBase(s.matrixBase, key, cluster, verdicts),
      matrixSeen: { cluster, verdicts },
    })),
  dismissMatrixDiff: () =>
    set((s) =>
      s.matrixBase && s.matrixSeen
        ? {
            matrixBase: {
              key: s.matrixBase.key,
              cluster: s.matrixSeen.cluster,
              value: s.matrixSeen.verdicts,
            },
          }
        : {},
    ),
  revealPolicy: (ref) =>
    set((s) => ({ policyReveal: { ref, seq: (s.policyReveal?.seq ?? 0) + 1 } })),
  setEditorPolicy: (editorPolicy) => set({ editorPolicy }),
});
