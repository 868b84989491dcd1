import { isGeneratedScenarioId } from '../engine/generateOptions';
import {
  selectDiagnostics,
  selectGeneratedText,
  selectScenarioId,
  selectScenarioText,
  useAppActions,
  useAppStore,
} from '../store';
import { PolicyEditor } from './PolicyEditor';

/**
 * The scenario's manifests in an editor. Every edit is kept (in the view, the URL and the browser);
 * the engine re-evaluates valid ones, and errors show at their line while the last good state runs.
 */
export function PoliciesPanel({ builtInText }: { builtInText: string }) {
  const text = useAppStore(selectScenarioText);
  // A generated scenario's own text is the worker's, not a built-in file.
  const generated = isGeneratedScenarioId(useAppStore(selectScenarioId));
  const generatedText = useAppStore(selectGeneratedText);
  const base = generated ? generatedText : builtInText;
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
              ? generated
                ? 'Generated scenario'
                : 'Built-in scenario'
              : 'Edited (kept in this browser)'}
        </p>
        <button type="button" onClick={() => setScenarioText(null)} disabled={text === null}>
          Reset scenario
        </button>
      </header>
      {text === null && base === undefined ? (
        <p className="policies-generating">Generating the cluster…</p>
      ) : (
        <PolicyEditor
          label="Scenario manifests (YAML)"
          value={text ?? base ?? ''}
          diagnostics={diagnostics}
          onChange={(next) => setScenarioText(next === base ? null : next)}
        />
      )}
    </section>
  );
}
