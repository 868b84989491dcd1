/**
 * The panels registry, view part: the component that draws each panel of src/registry/panels.ts.
 * Every open panel is a tab of the workspace's drawer (Workspace.tsx): a `cni` panel is drawn once
 * per CNI on screen with that CNI's walk, a `side` panel once. Side panels load on first open (the
 * policy editor brings CodeMirror).
 */
import { lazy, Suspense, useCallback, type ComponentType } from 'react';
import type { DumpTarget } from '../datapath/dumpTargets';
import type { Hop } from '../datapath/hop';
import type { WalkVerdict } from '../datapath/walk';
import type { Cni } from '../engine/model';
import type { SeedClaims } from '../lessons/seedClaims';
import type { PANEL_SPECS } from '../registry/panels';
import { selectPanels, useAppActions, useAppStore } from '../store';
import { FixPanel } from './lazyViews';
import { Inspector } from './Inspector';

/** What a side panel is given. */
export interface SidePanelProps {
  /** The CNIs on screen, in order. */
  readonly shown: readonly Cni[];
  /** The built-in scenario's manifests (undefined for a lesson's own scenario). */
  readonly builtInText: string | undefined;
  /** The seed articles' fact check (the Scale panel quotes its figures). */
  readonly loadFacts?: () => Promise<SeedClaims>;
}

/** What a panel inside a CNI panel is given: that CNI's walk and where its packet stands. */
export interface CniSlotProps {
  readonly cni: Cni;
  readonly hops: readonly Hop[];
  readonly index: number;
  readonly verdict: WalkVerdict | undefined;
  readonly dropReason: string | undefined;
  readonly highlight: readonly string[];
}

type Spec = (typeof PANEL_SPECS)[number];
type PanelViews = {
  readonly [S in Spec as S['id']]: S['place'] extends 'cni'
    ? ComponentType<CniSlotProps>
    : ComponentType<SidePanelProps>;
};

const PoliciesSidePanel = lazy(() =>
  import('./PoliciesPanel').then((m) => ({
    default: ({ builtInText }: SidePanelProps) =>
      builtInText === undefined ? null : <m.PoliciesPanel builtInText={builtInText} />,
  })),
);

const MatrixSidePanel = lazy(() =>
  import('./MatrixPanel').then((m) => ({ default: m.MatrixSidePanel })),
);

const noFacts = (): Promise<SeedClaims> =>
  Promise.reject(new Error('the fact check is not available here'));

const ScaleSidePanel = lazy(() =>
  import('./ScaleChart').then((m) => ({
    default: ({ loadFacts }: SidePanelProps) => <m.ScalePanel loadFacts={loadFacts ?? noFacts} />,
  })),
);

const DataplaneSidePanel = lazy(() =>
  import('./DataplanePanel').then((m) => ({ default: m.DataplanePanel })),
);

const FlowsSidePanel = lazy(() => import('./FlowsPanel').then((m) => ({ default: m.FlowsPanel })));

function InspectorSlot({ cni, hops, index, verdict, dropReason, highlight }: CniSlotProps) {
  const panels = useAppStore(selectPanels);
  const { togglePanel, focusDataplane } = useAppActions();
  const showInDataplane = useCallback(
    (target: DumpTarget) => {
      focusDataplane(cni, target);
      if (!panels.includes('dataplane')) togglePanel('dataplane');
    },
    [cni, panels, focusDataplane, togglePanel],
  );
  return (
    <Inspector
      cni={cni}
      hop={hops[index]}
      previous={index > 0 ? hops[index - 1] : undefined}
      index={index}
      total={hops.length}
      verdict={verdict}
      dropReason={dropReason}
      highlight={highlight}
      verdictDetail={
        <Suspense fallback={null}>
          <FixPanel cni={cni} />
        </Suspense>
      }
      onShowInDataplane={showInDataplane}
    />
  );
}

export const PANEL_VIEWS: PanelViews = {
  inspector: InspectorSlot,
  policies: PoliciesSidePanel,
  matrix: MatrixSidePanel,
  scale: ScaleSidePanel,
  dataplane: DataplaneSidePanel,
  flows: FlowsSidePanel,
};
