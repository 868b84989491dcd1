import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import {
  DEFAULT_GENERATE_OPTIONS,
  GENERATE_LIMITS,
  generatedScenarioId,
  generateProblems,
  GENERATED_PREFIX,
  isGeneratedScenarioId,
  parseGenerateToken,
  type GenerateField,
  type GenerateOptions,
} from '../engine/generateOptions';
import {
  selectGeneration,
  selectLoadedScenario,
  selectScenarioId,
  useAppActions,
  useAppStore,
  useAppStoreApi,
  type ViewState,
} from '../store';
import './GenerateDialog.css';

type Draft = Record<Exclude<GenerateField, 'mix'> | 'k8s' | 'cilium' | 'calico', string>;

const toDraft = (o: GenerateOptions): Draft => ({
  pods: String(o.pods),
  nodes: String(o.nodes),
  namespaces: String(o.namespaces),
  policies: String(o.policies),
  k8s: String(o.mix.k8s),
  cilium: String(o.mix.cilium),
  calico: String(o.mix.calico),
  seed: String(o.seed),
});

/** An empty or non-numeric field reads as NaN, which the validation names. */
const num = (text: string): number => (/^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN);

const fromDraft = (d: Draft): GenerateOptions => ({
  pods: num(d.pods),
  nodes: num(d.nodes),
  namespaces: num(d.namespaces),
  policies: num(d.policies),
  mix: { k8s: num(d.k8s), cilium: num(d.cilium), calico: num(d.calico) },
  seed: num(d.seed),
});

/** The options a scenario id stands for, or the bench's defaults. */
function optionsOf(id: string): GenerateOptions {
  if (!isGeneratedScenarioId(id)) return DEFAULT_GENERATE_OPTIONS;
  const parsed = parseGenerateToken(id.slice(GENERATED_PREFIX.length));
  return parsed.ok ? parsed.options : DEFAULT_GENERATE_OPTIONS;
}

const count = (n: number) => n.toLocaleString('en-US');

const SIZE_FIELDS: readonly { key: Exclude<GenerateField, 'mix' | 'seed'>; label: string }[] = [
  { key: 'pods', label: 'Pods' },
  { key: 'nodes', label: 'Nodes' },
  { key: 'namespaces', label: 'Namespaces' },
  { key: 'policies', label: 'Policies' },
];
const MIX_FIELDS = [
  { key: 'k8s', label: 'Kubernetes' },
  { key: 'cilium', label: 'Cilium' },
  { key: 'calico', label: 'Calico' },
] as const;

/**
 * "Generate a large cluster…": a modal dialog (native `<dialog>`) with the generator's options.
 * Generate makes the generated cluster the view's scenario (its link carries only the options);
 * the worker writes it with progress shown here, the engine loads it, and the dialog closes. Cancel
 * stops the worker's generation and returns to the view as it was. Errors show at their field.
 */
export function GenerateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const scenarioId = useAppStore(selectScenarioId);
  const generation = useAppStore(selectGeneration);
  const loaded = useAppStore(selectLoadedScenario);
  const store = useAppStoreApi();
  const { setScenario, setView, stopGenerating, generateAgain } = useAppActions();
  const [draft, setDraft] = useState<Draft>(() => toDraft(optionsOf(scenarioId)));
  const [errors, setErrors] = useState<Partial<Record<GenerateField, string>>>({});
  /** The scenario asked for, and the view to return to on Cancel. */
  const [pending, setPending] = useState<{ id: string; before: ViewState } | null>(null);
  const ids = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setDraft(toDraft(optionsOf(store.getState().view.scenarioId)));
      setErrors({});
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, store]);

  // Done once the engine holds the generated scenario.
  useEffect(() => {
    if (pending && loaded?.id === pending.id) {
      setPending(null);
      onClose();
    }
  }, [pending, loaded, onClose]);

  const mine = pending && generation?.id === pending.id ? generation : null;
  const failed =
    mine?.status === 'failed'
      ? mine.error
      : mine?.status === 'cancelled'
        ? 'Generating was cancelled. Generate again, or Cancel to go back.'
        : undefined;
  const busy = pending !== null && failed === undefined;

  function submit(e: FormEvent) {
    e.preventDefault();
    const options = fromDraft(draft);
    const problems = generateProblems(options);
    setErrors(Object.fromEntries(problems.map((p) => [p.field, p.message])));
    if (problems.length > 0) {
      const first = problems[0]!.field === 'mix' ? 'k8s' : problems[0]!.field;
      ref.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      return;
    }
    const id = generatedScenarioId(options);
    const state = store.getState();
    if (state.loadedScenario?.id === id) {
      onClose();
      return;
    }
    setPending({ id, before: state.view });
    if (state.view.scenarioId === id) generateAgain();
    else setScenario(id);
  }

  function cancel() {
    if (pending) {
      stopGenerating();
      if (store.getState().view.scenarioId === pending.id) setView(pending.before);
      setPending(null);
    }
    onClose();
  }

  const field = (key: keyof Draft, label: string, errorKey: GenerateField, hint?: string) => {
    const error = errors[errorKey];
    const own = errorKey !== 'mix' && error;
    return (
      <div className="generate-field" key={key}>
        <label htmlFor={`${ids}-${key}`}>{label}</label>
        <input
          id={`${ids}-${key}`}
          name={key}
          type="number"
          inputMode="numeric"
          step={1}
          value={draft[key]}
          aria-invalid={error ? true : undefined}
          aria-describedby={
            [hint && `${ids}-${key}-hint`, error && `${ids}-${errorKey}-error`]
              .filter(Boolean)
              .join(' ') || undefined
          }
          disabled={busy}
          onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
        />
        {hint && (
          <span className="generate-hint" id={`${ids}-${key}-hint`}>
            {hint}
          </span>
        )}
        {own && (
          <p className="generate-error" id={`${ids}-${errorKey}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };

  const range = (k: keyof typeof GENERATE_LIMITS) =>
    `${count(GENERATE_LIMITS[k][0])}–${count(GENERATE_LIMITS[k][1])}`;

  return (
    <dialog
      ref={ref}
      className="generate-dialog"
      aria-labelledby={`${ids}-title`}
      onCancel={(e) => {
        e.preventDefault();
        cancel();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${ids}-title`}>Generate a large cluster</h2>
        <p className="generate-intro">
          A seeded synthetic cluster, written in the policy worker: a default deny per namespace,
          then app-to-app, team-namespace and outside-CIDR allow rules, in the dialects you mix. The
          same numbers always give the same cluster, and its link carries only the numbers.
        </p>
        <div className="generate-sizes">
          {SIZE_FIELDS.map((f) => field(f.key, f.label, f.key, range(f.key)))}
        </div>
        <fieldset
          className="generate-mix"
          aria-describedby={errors.mix ? `${ids}-mix-error` : undefined}
        >
          <legend>Policy dialects (% of the policies, adding up to 100)</legend>
          <div className="generate-mix-fields">
            {MIX_FIELDS.map((f) => field(f.key, `${f.label} %`, 'mix'))}
          </div>
          {errors.mix && (
            <p className="generate-error" id={`${ids}-mix-error`}>
              {errors.mix}
            </p>
          )}
        </fieldset>
        <div className="generate-sizes">{field('seed', 'Seed', 'seed', range('seed'))}</div>
        <div className="generate-progress" role="status">
          {mine?.status === 'generating' && (
            <>
              <progress value={mine.done} max={mine.total} aria-label="Generating the cluster" />
              <span>
                Generating: {count(mine.done)} of {count(mine.total)} manifests
              </span>
            </>
          )}
          {mine?.status === 'done' && (
            <>
              <progress aria-label="Loading the cluster" />
              <span>
                Generated in {count(mine.elapsedMs ?? 0)} ms; loading it into the policy engine…
              </span>
            </>
          )}
          {failed && <p className="generate-error">{failed}</p>}
        </div>
        <div className="generate-actions">
          <button type="submit" className="primary" disabled={busy}>
            Generate
          </button>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
