import { useMemo, useRef, useState } from 'react';
import { isGeneratedScenarioId } from '../engine/generateOptions';
import {
  isUserScenarioId,
  selectCluster,
  selectDiagnostics,
  type AppState,
  selectGeneratedText,
  selectGeneration,
  selectScenarioId,
  selectScenarioText,
  useAppActions,
  useAppStore,
  useAppStoreApi,
} from '../store';
import { policyAtLine, policyPosition } from './dataplaneView';
import { PolicyEditor } from './PolicyEditor';
import { positionInText } from './scenarioFiles';

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
    const found = asked ? policyPosition(cluster, asked.ref) : null;
    // Imported files joined in the text: the file's own line is moved to the text's.
    const pos = found && positionInText(text ?? base ?? '', found);
    return asked && pos ? { line: pos.line, column: pos.column, seq: asked.seq } : undefined;
  }, [asked, cluster, text, base]);
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
                : isUserScenarioId(scenarioId)
                  ? 'Saved in your library'
                  : 'Built-in scenario'
              : 'Edited (kept in this browser)'}
        </p>
        <ResetScenario edited={text !== null} />
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

/**
 * "Reset scenario" asks first, then returns to the scenario as built in (or as saved in the
 * library) and offers to undo: Undo puts the edited text back, if the same scenario is still on
 * screen. Where a link's draft is reset to the user's own saved edit, that edit is what comes back,
 * and Undo would overwrite it, so none is offered.
 */
function ResetScenario({ edited }: { edited: boolean }) {
  const store = useAppStoreApi();
  const { setScenarioText, offerUndo } = useAppActions();
  const [asking, setAsking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const close = () => {
    setAsking(false);
    requestAnimationFrame(() => opener.current?.focus());
  };
  if (asking && edited) {
    return (
      <div
        className="reset-confirm"
        role="group"
        aria-label="Reset scenario?"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            close();
          }
        }}
      >
        <p>Reset the scenario?</p>
        <button
          type="button"
          // The question is what the user asked for by pressing Reset scenario.
          autoFocus
          onClick={() => {
            const { scenarioId, scenarioText: before } = store.getState().view;
            setScenarioText(null);
            setAsking(false);
            const after = store.getState().view;
            if (before !== null && after.scenarioText === null) {
              offerUndo({
                message: 'The scenario is reset; your edits are discarded.',
                undo: () => {
                  const now = store.getState().view;
                  if (now.scenarioId === scenarioId && now.scenarioText === null)
                    setScenarioText(before);
                  // The Undo button is gone: the focus returns to Reset scenario.
                  requestAnimationFrame(() => opener.current?.focus());
                },
              });
            }
            // The reset button is disabled now: the focus goes to the Undo that the notice offers.
            requestAnimationFrame(() =>
              (
                document.querySelector<HTMLElement>('.undo-notice .undo-button') ?? opener.current
              )?.focus(),
            );
          }}
        >
          Discard edits
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <button ref={opener} type="button" onClick={() => setAsking(true)} disabled={!edited}>
      Reset scenario
    </button>
  );
}
