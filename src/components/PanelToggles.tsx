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
          onClick={() => togglePanel(p.id)}
        >
          {p.label}
        </button>
      ))}
    </div>
  );
}
