import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import {
  isUserScenarioId,
  selectLibraryActions,
  selectScenarioId,
  selectUserScenarios,
  useAppStore,
  type LibraryActions,
} from '../store';
import type { ScenarioChoice } from './lessonSupport';
import { UndoNotice } from './UndoNotice';
import './ScenarioLibrary.css';

const dateOf = (t: number) =>
  t > 0
    ? new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
    : '';

/**
 * "Scenario library…": a modal dialog (native `<dialog>`: the page behind is inert, Escape closes)
 * listing the built-in scenarios and the user's own, kept in this browser. The scenario on screen
 * is saved under a new name; one's own are opened, renamed, duplicated and deleted (with Undo);
 * a built-in is opened or duplicated.
 */
export function ScenarioLibrary({
  scenarios,
  onClose,
}: {
  scenarios: readonly ScenarioChoice[];
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const actions = useAppStore(selectLibraryActions);
  const mine = useAppStore(selectUserScenarios).filter((s) => !s.trashed);
  const current = useAppStore(selectScenarioId);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  /** The scenario last deleted here: Undo returns the focus to its row. */
  const deleted = useRef<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  /** After a change the focus goes to the row it concerns (or the list's heading). */
  const focusRow = (id: string) =>
    requestAnimationFrame(() =>
      ref.current
        ?.querySelector<HTMLElement>(`[data-scenario="${CSS.escape(id)}"] .library-name`)
        ?.focus(),
    );

  function saveAs(e: FormEvent) {
    e.preventDefault();
    if (!actions) return;
    const result = actions.saveAs(name);
    if ('error' in result) {
      setError(result.error);
      return;
    }
    setError(null);
    setName('');
    setSaid(`Saved as "${name.trim()}" and opened.`);
    focusRow(result.id);
  }

  const builtIns = scenarios.filter((s) => !isUserScenarioId(s.id));
  /** A scenario's row: Open and Duplicate; one's own also Rename and Delete. */
  const row = (id: string, name: string, detail: string, actions: LibraryActions, own: boolean) => (
    <li key={id} data-scenario={id} className="library-row">
      {renaming === id ? (
        <RenameForm
          id={id}
          name={name}
          actions={actions}
          onDone={(renamed) => {
            setRenaming(null);
            if (renamed) setSaid(`Renamed to "${renamed}".`);
            focusRow(id);
          }}
        />
      ) : (
        <>
          <ScenarioName name={name} detail={detail} open={id === current} />
          <div className="library-actions" role="group" aria-label={name}>
            <button
              type="button"
              onClick={() => {
                actions.open(id);
                onClose();
              }}
            >
              Open
            </button>
            {own && (
              <button type="button" onClick={() => setRenaming(id)}>
                Rename
              </button>
            )}
            <button
              type="button"
              onClick={() => {
                const copy = actions.duplicate(id);
                setSaid(`Duplicated "${name}" into your scenarios.`);
                focusRow(copy);
              }}
            >
              Duplicate
            </button>
            {own && (
              <button
                type="button"
                onClick={() => {
                  actions.remove(id);
                  deleted.current = id;
                  requestAnimationFrame(() =>
                    ref.current?.querySelector<HTMLElement>('.undo-button')?.focus(),
                  );
                }}
              >
                Delete
              </button>
            )}
          </div>
        </>
      )}
    </li>
  );
  return (
    <dialog
      ref={ref}
      className="library-dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-intro`}
      onCancel={(e) => {
        e.preventDefault();
        if (renaming) setRenaming(null);
        else onClose();
      }}
    >
      <div className="library-header">
        <h2 id={`${ids}-title`}>Scenario library</h2>
        <button type="button" className="library-close" onClick={onClose}>
          Close
        </button>
      </div>
      <p id={`${ids}-intro`} className="library-intro">
        The built-in scenarios and your own, kept in this browser with their edits. A link to one of
        yours opens it here; in another browser, only a link that carries the text does.
      </p>
      {actions === null ? (
        <p role="status">Reading the library…</p>
      ) : (
        <>
          <form className="library-save" onSubmit={saveAs} noValidate>
            <label htmlFor={`${ids}-name`}>Save the scenario on screen as</label>
            <div className="library-save-row">
              <input
                id={`${ids}-name`}
                value={name}
                maxLength={120}
                placeholder="e.g. Team lab"
                aria-invalid={error !== null}
                aria-describedby={error ? `${ids}-error` : undefined}
                onChange={(e) => setName(e.target.value)}
              />
              <button type="submit">Save</button>
            </div>
            {error && (
              <p id={`${ids}-error`} className="library-error" role="alert">
                ⚠ {error}
              </p>
            )}
          </form>
          <p className="visually-hidden" role="status">
            {said}
          </p>
          <UndoNotice
            onSettled={(how) => {
              const back = deleted.current;
              if (how === 'undo' && back) focusRow(back);
              else requestAnimationFrame(() => ref.current?.querySelector('input')?.focus());
            }}
          />
          <h3 id={`${ids}-mine`}>Your scenarios</h3>
          {mine.length === 0 ? (
            <p className="library-empty">None yet: save the scenario on screen to start.</p>
          ) : (
            <ul className="library-list" aria-labelledby={`${ids}-mine`}>
              {mine.map((s) =>
                row(s.id, s.name, `${s.id} · saved ${dateOf(s.updated)}`, actions, true),
              )}
            </ul>
          )}
          <h3 id={`${ids}-built`}>Built in</h3>
          <ul className="library-list" aria-labelledby={`${ids}-built`}>
            {builtIns.map((s) => row(s.id, s.title, s.id, actions, false))}
          </ul>
        </>
      )}
    </dialog>
  );
}

function ScenarioName({ name, detail, open }: { name: string; detail: string; open: boolean }) {
  return (
    <div className="library-label">
      <span className="library-name" tabIndex={-1}>
        {name}
        {open && <span className="library-open-mark"> (open)</span>}
      </span>
      <span className="library-detail">{detail}</span>
    </div>
  );
}

function RenameForm({
  id,
  name,
  actions,
  onDone,
}: {
  id: string;
  name: string;
  actions: LibraryActions;
  onDone: (renamed: string | null) => void;
}) {
  const [draft, setDraft] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const field = useId();
  return (
    <form
      className="library-rename"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const problem = actions.rename(id, draft);
        if (problem) setError(problem.error);
        else onDone(draft.trim());
      }}
    >
      <label htmlFor={field}>New name for “{name}”</label>
      <div className="library-save-row">
        {/* The field is what the user asked for by pressing Rename. */}
        <input
          id={field}
          value={draft}
          autoFocus
          maxLength={120}
          aria-invalid={error !== null}
          aria-describedby={error ? `${field}-error` : undefined}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Rename</button>
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
      {error && (
        <p id={`${field}-error`} className="library-error" role="alert">
          ⚠ {error}
        </p>
      )}
    </form>
  );
}
