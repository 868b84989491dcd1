import { useMemo } from 'react';
import { isGeneratedScenarioId } from '../engine/generateOptions';
import {
  selectCluster,
  selectDiagnostics,
  type AppState,
  selectGeneratedText,
  selectGeneration,
  selectScenarioId,
  selectScenarioText,
  useAppActions,
  useAppStore,
} from '../store';
import { policyAtLine, policyPosition } from './dataplaneView';
import { PolicyEditor } from './PolicyEditor';

const selectPolicyReveal = (s: AppState) => s.policyReveal;

/**
 * The scenario's manifests in an editor. Every edit is kept (in the view, the URL and the browser);
 * the engine re-evaluates valid ones, and errors show at their line while the last good state runs.
 */
export function PoliciesPanel({ builtInText }: { builtInText: string }) {
  const text = useAppStore(selectScenarioText);
  // A generated scenario's own text is the worker's, not a built-in file.
  const scenarioId = useAppStore(selectScenarioId);
  const generated = isGeneratedScenarioId(scenarioId);
  const generatedText = useAppStore(selectGeneratedText);
  const generation = useAppStore(selectGeneration);
  const { generateAgain } = useAppActions();
  const mine = generation?.id === scenarioId ? generation : null;
  const stopped =
    mine?.status === 'failed'
      ? `Generating this cluster failed: ${mine.error}`
      : mine?.status === 'cancelled'
        ? 'Generating this cluster was cancelled.'
        : null;
  const base = generated ? generatedText : builtInText;
  const diagnostics = useAppStore(selectDiagnostics);
  const { setScenarioText, setEditorPolicy } = useAppActions();
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  // A policy asked for from the Dataplane panel: where the engine read it.
  const cluster = useAppStore(selectCluster);
  const asked = useAppStore(selectPolicyReveal);
  const reveal = useMemo(() => {
    const pos = asked ? policyPosition(cluster, asked.ref) : null;
    return asked && pos ? { line: pos.line, column: pos.column, seq: asked.seq } : undefined;
  }, [asked, cluster]);
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
        <div className="policies-generating" role="status">
          {stopped ? (
            <p>
              {stopped}{' '}
              <button type="button" onClick={generateAgain}>
                Generate again
              </button>
            </p>
          ) : (
            <p>Generating the cluster…</p>
          )}
        </div>
      ) : (
        <PolicyEditor
          label="Scenario manifests (YAML)"
          value={text ?? base ?? ''}
          diagnostics={diagnostics}
          onChange={(next) => setScenarioText(next === base ? null : next)}
          {...(reveal ? { reveal } : {})}
          onCursorLine={(line) => setEditorPolicy(policyAtLine(cluster, text ?? base ?? '', line))}
        />
      )}
    </section>
  );
}
