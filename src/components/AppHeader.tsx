import { useAppStore, type Layout } from '../store';
import type { ScenarioChoice } from './lessonSupport';
import { PanelToggles } from './PanelToggles';
import { ThemeToggle } from './ThemeToggle';

const LAYOUT_LABEL: Record<Layout, string> = {
  compare: 'Compare',
  calico: 'Calico only',
  cilium: 'Cilium only',
};

/** The title, the pages, and the view's tools: scenario, layout, panels, theme; `?` for help. */
export function AppHeader({
  scenarios,
  onHelp,
}: {
  scenarios: readonly ScenarioChoice[];
  onHelp: () => void;
}) {
  const route = useAppStore((s) => s.route);
  const setRoute = useAppStore((s) => s.setRoute);
  const scenarioId = useAppStore((s) => s.view.scenarioId);
  const layout = useAppStore((s) => s.view.layout);
  const setScenario = useAppStore((s) => s.setScenario);
  const setLayout = useAppStore((s) => s.setLayout);
  return (
    <header className="app-header">
      <div>
        <h1>PacketWalk</h1>
        <p className="tagline">See the same packet walk through Calico and Cilium, hook by hook.</p>
      </div>
      <nav className="segmented" aria-label="Pages">
        <button
          type="button"
          aria-pressed={route.page === 'walk'}
          onClick={() => setRoute({ page: 'walk' })}
        >
          Visualizer
        </button>
        <button
          type="button"
          aria-pressed={route.page !== 'walk'}
          onClick={() => setRoute({ page: 'lessons' })}
        >
          Lessons
        </button>
      </nav>
      <div className="header-tools">
        <label>
          Scenario
          <select value={scenarioId} onChange={(e) => setScenario(e.target.value)}>
            {scenarios.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
            {!scenarios.some((s) => s.id === scenarioId) && (
              <option value={scenarioId}>This lesson’s scenario</option>
            )}
          </select>
        </label>
        <div className="segmented" role="group" aria-label="Layout">
          {(['compare', 'calico', 'cilium'] as const).map((l) => (
            <button key={l} type="button" aria-pressed={layout === l} onClick={() => setLayout(l)}>
              {LAYOUT_LABEL[l]}
            </button>
          ))}
        </div>
        <PanelToggles />
        <button type="button" onClick={onHelp} aria-keyshortcuts="?">
          Shortcuts
        </button>
        <ThemeToggle />
      </div>
    </header>
  );
}
