import { lazy, Suspense } from 'react';
import { selectLayout, selectPanels, useAppStore } from '../store';
import { ErrorBoundary } from './ErrorBoundary';

const FlowsPanel = lazy(() => import('./FlowsPanel').then((m) => ({ default: m.FlowsPanel })));

/**
 * Presenter mode has no drawer, so a step that opens the Flows panel (lesson 11's `flows:` steps:
 * its tab, filter and traffic are the view's, set by the step) shows it here, beside the picture and
 * as tall as it, in the projector's type (presenting.css). It is the same panel as the drawer's: the
 * run, the tabs, the filter, the flows or the map.
 */
export function PresenterFlows() {
  const panels = useAppStore(selectPanels);
  const layout = useAppStore(selectLayout);
  if (!panels.includes('flows')) return null;
  return (
    <div
      className={`presenter-flows presenter-flows-${layout === 'compare' ? 'beside-two' : 'beside-one'}`}
      data-testid="presenter-flows"
    >
      <ErrorBoundary name="Flows">
        <Suspense fallback={<p>Loading the flows…</p>}>
          <FlowsPanel />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}
