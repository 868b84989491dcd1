import { selectDiagnostics, selectScenarioText, useAppActions, useAppStore } from '../store';
import { PolicyEditor } from './PolicyEditor';

/**
 * The scenario's manifests in an editor. Every edit is kept (in the view, the URL and the browser);
 * the engine re-evaluates valid ones, and errors show at their line while the last good state runs.
 */
export function PoliciesPanel({ builtInText }: { builtInText: string }) {
  const text = useAppStore(selectScenarioText);
  const diagnostics = useAppStore(selectDiagnostics);
  const setScenarioText = useAppActions().setScenarioText;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return (
    <section className="side-panel policies-panel" aria-labelledby="policies-title">
      <header className="side-panel-header">
        <h2 id="policies-title">Policies</h2>
        <p className="policies-status" role="status">
          {errors > 0
            ? `${errors} error${errors === 1 ? '' : 's'}: the last valid version keeps running`
            : text === null
              ? 'Built-in scenario'
              : 'Edited (kept in this browser)'}
        </p>
        <button type="button" onClick={() => setScenarioText(null)} disabled={text === null}>
          Reset scenario
        </button>
      </header>
      <PolicyEditor
        label="Scenario manifests (YAML)"
        value={text ?? builtInText}
        diagnostics={diagnostics}
        onChange={(next) => setScenarioText(next === builtInText ? null : next)}
      />
    </section>
  );
}
