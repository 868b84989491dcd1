import { PANEL_SPECS } from '../registry/panels';
import { selectPanels, useAppActions, useAppStore } from '../store';
import './PanelToggles.css';

/** One toggle per panel of the registry, named by its label. */
export function PanelToggles() {
  const panels = useAppStore(selectPanels);
  const togglePanel = useAppActions().togglePanel;
  return (
    <div className="segmented panel-toggles" role="group" aria-label="Panels">
      {PANEL_SPECS.map((p) => (
        <button
          key={p.id}
          type="button"
          aria-pressed={panels.includes(p.id)}
          // The panel opens in the task after the click's: the click's task holds the input's
          // handling, the next one the drawer's render, the frame after it their layout (one task
          // held all three: a long task on opening the Matrix of a large scenario, issue 15).
          onClick={() => setTimeout(() => togglePanel(p.id))}
        >
          {p.label}
        </button>
      ))}
    </div>
  );
}
