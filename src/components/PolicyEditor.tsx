/**
 * The YAML editor of the Policies panel: CodeMirror 6 holding the scenario's manifests, with the
 * engine's errors and warnings as lint markers and as a plain list of problems below it.
 *
 * CodeMirror owns its DOM; React owns the wrapper and the problems list. The view is created once
 * and props reach it through transactions: a new `value` replaces the document (tagged so it is not
 * echoed back through `onChange`), new `diagnostics` replace the markers via `setDiagnostics` (no
 * linter of our own: the engine in the worker is the only judge).
 *
 * Keyboard: Tab is not bound (no `indentWithTab`), so Tab and Shift+Tab leave the editor as they
 * leave any field; Ctrl/Cmd+] and Ctrl/Cmd+[ indent and dedent, F8 goes to the next problem.
 */
import './PolicyEditor.css';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import {
  forEachDiagnostic,
  lintGutter,
  lintKeymap,
  setDiagnostics,
  type Diagnostic as LintDiagnostic,
} from '@codemirror/lint';
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useLayoutEffect, useMemo, useRef } from 'react';
import type { Diagnostic } from '../engine/model';
import {
  diagnosticText,
  reportedPosition,
  resolvePosition,
  toEditorDiagnostics,
} from './diagnosticRanges';
import { fileLabel, placeInText } from './scenarioFiles';

export interface PolicyEditorProps {
  /** The manifests. A change from outside (scenario switch, reset) replaces the document. */
  readonly value: string;
  /** The engine's diagnostics for `value`, shown as markers and listed below the editor. */
  readonly diagnostics: readonly Diagnostic[];
  /** Called with the whole text on every edit by the user (never for a `value` change). */
  readonly onChange: (text: string) => void;
  /** The editor's accessible name. */
  readonly label: string;
  readonly readOnly?: boolean;
  /** Called with the cursor's line (1-based) when the user moves it. */
  readonly onCursorLine?: (line: number) => void;
  /** A place to select and scroll to (1-based line and column), again each time `seq` grows. */
  readonly reveal?: { readonly line: number; readonly column: number; readonly seq: number };
}

/** Marks the transactions that apply the `value` prop, so they are not reported as user edits. */
const fromProps = Annotation.define<boolean>();

/** YAML token colours come from PolicyEditor.css, so they follow the app's light/dark themes. */
const yamlHighlight = HighlightStyle.define([
  { tag: tags.propertyName, class: 'pe-tok-key' },
  { tag: [tags.string, tags.special(tags.string)], class: 'pe-tok-string' },
  { tag: tags.lineComment, class: 'pe-tok-comment' },
  { tag: [tags.meta, tags.keyword, tags.typeName, tags.labelName], class: 'pe-tok-meta' },
  { tag: [tags.separator, tags.punctuation], class: 'pe-tok-punct' },
]);

/** Editor chrome drawn with the app's CSS variables (light, dark and projector alike). */
const chrome = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--surface)' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--bg)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
  },
  '.cm-panels': { backgroundColor: 'var(--surface)', color: 'var(--text)' },
});

function accessibility(label: string, describedBy: string): Extension {
  // An explicit tabindex makes the editable content a keyboard stop that axe recognises, so the
  // scrolling region around it counts as reachable (axe rule scrollable-region-focusable).
  return EditorView.contentAttributes.of({
    'aria-label': label,
    'aria-describedby': describedBy,
    tabindex: '0',
  });
}

function editability(readOnly: boolean): Extension {
  return [
    EditorState.readOnly.of(readOnly),
    EditorView.editable.of(!readOnly),
    EditorView.contentAttributes.of({ 'aria-readonly': String(readOnly) }),
  ];
}

export function PolicyEditor({
  value,
  diagnostics: given,
  onChange,
  label,
  readOnly = false,
  reveal,
  onCursorLine,
}: PolicyEditorProps) {
  // Imported files joined in the text: their positions placed on its lines (scenarioFiles.ts).
  const diagnostics = useMemo(() => placeInText(value, given), [value, given]);
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  // The latest props, read by the editor's listeners and by the effect that creates the view once.
  const latest = useRef({ value, diagnostics, onChange, label, readOnly, onCursorLine });
  // The markers last handed to CodeMirror, in the order of `diagnostics` (for the problems list).
  const markers = useRef<readonly LintDiagnostic[]>([]);
  /**
   * A text the editor is known to hold, the very string: the one it was created with, or the last
   * it sent through onChange. `value` being that string needs no compare of a long text.
   */
  const held = useRef<string | null>(null);
  /** The diagnostics list last placed in the editor (the same list again needs no new markers). */
  const placed = useRef<readonly Diagnostic[] | null>(null);
  const compartments = useRef<{ access: Compartment; editable: Compartment } | null>(null);
  const hintId = useId();
  const summaryId = useId();

  useLayoutEffect(() => {
    latest.current = { value, diagnostics, onChange, label, readOnly, onCursorLine };
  });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const props = latest.current;
    const access = new Compartment();
    const editable = new Compartment();
    compartments.current = { access, editable };
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          lineNumbers(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
          yaml(),
          syntaxHighlighting(yamlHighlight),
          bracketMatching(),
          lintGutter(),
          chrome,
          access.of(accessibility(props.label, hintId)),
          editable.of(editability(props.readOnly)),
          EditorView.updateListener.of((update) => {
            if (update.selectionSet && update.view.hasFocus)
              latest.current.onCursorLine?.(
                update.state.doc.lineAt(update.state.selection.main.head).number,
              );
            if (!update.docChanged) return;
            if (update.transactions.some((tr) => tr.annotation(fromProps))) return;
            held.current = update.state.doc.toString();
            latest.current.onChange(held.current);
          }),
        ],
      }),
    });
    viewRef.current = view;
    held.current = props.value;
    placed.current = applyDiagnostics(view, props.diagnostics, markers);
    return () => {
      view.destroy();
      viewRef.current = null;
      compartments.current = null;
    };
  }, [hintId]);

  useEffect(() => {
    const view = viewRef.current;
    // The text the editor was made with, or the echo of the user's own edit: the very string held
    // (no compare of a long text: the 3.4 MB bench was ~15 ms a keystroke, and on opening, for it);
    // anything else is compared with what the editor holds.
    if (!view || value === held.current || view.state.doc.toString() === value) return;
    // Only the part that differs is replaced, in one transaction: an applied fix is one step of the
    // editor's undo history (Ctrl+Z takes it back, and that edit reaches onChange like any other).
    const change = changedRange(view.state.doc.toString(), value);
    // From here the editor holds a text from outside: the user's last text may come back (Undo
    // after a reset) and must then be put in again, not taken for an echo.
    held.current = null;
    view.dispatch({
      changes: change,
      annotations: fromProps.of(true),
      // The changed text is brought into view (an applied fix is seen where it went).
      effects: EditorView.scrollIntoView(change.from, { y: 'center' }),
    });
    // The old markers were mapped onto text that is gone: place the current ones on the new text.
    placed.current = applyDiagnostics(view, latest.current.diagnostics, markers);
  }, [value]);

  useEffect(() => {
    const view = viewRef.current;
    // New diagnostics (not the list the editor was made with, or just placed on a new text).
    if (view && diagnostics !== placed.current)
      placed.current = applyDiagnostics(view, diagnostics, markers);
  }, [diagnostics]);

  useEffect(() => {
    const view = viewRef.current;
    const c = compartments.current;
    if (!view || !c) return;
    view.dispatch({
      effects: [
        c.access.reconfigure(accessibility(label, hintId)),
        c.editable.reconfigure(editability(readOnly)),
      ],
    });
  }, [label, readOnly, hintId]);

  const goTo = (index: number) => {
    const view = viewRef.current;
    const d = diagnostics[index];
    if (!view || !d) return;
    // Where the marker is now (CodeMirror maps it through edits), else the engine's position.
    const marker = markers.current[index];
    let offset: number | undefined;
    if (marker) {
      forEachDiagnostic(view.state, (found, from) => {
        if (found === marker) offset = from;
      });
    }
    if (offset === undefined) {
      const { line, column } = reportedPosition(d);
      offset = resolvePosition(view.state.doc, line, column).offset;
    }
    view.dispatch({ selection: { anchor: offset }, scrollIntoView: true });
    view.focus();
  };

  const revealSeq = reveal?.seq ?? 0;
  useEffect(() => {
    const view = viewRef.current;
    if (!view || !reveal) return;
    const { offset } = resolvePosition(view.state.doc, reveal.line, reveal.column);
    view.dispatch({
      selection: { anchor: offset },
      effects: EditorView.scrollIntoView(offset, { y: 'start' }),
    });
    view.focus();
    // Only a new ask moves the cursor, not a new object for the same one.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [revealSeq]);

  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;

  return (
    <div className="policy-editor" data-testid="policy-editor">
      <div className="policy-editor-host" ref={hostRef} />
      <p id={hintId} className="policy-editor-hint">
        Tab moves to the next control; Ctrl+] and Ctrl+[ (Cmd on a Mac) indent and dedent; F8 jumps
        to the next problem.
      </p>
      <p id={summaryId} className="policy-editor-summary" aria-live="polite">
        {diagnostics.length === 0
          ? 'No problems.'
          : `Problems: ${count(errors, 'error')}, ${count(warnings, 'warning')}.`}
      </p>
      {diagnostics.length > PLAIN_PROBLEMS_MAX ? (
        <VirtualProblems diagnostics={diagnostics} labelledBy={summaryId} goTo={goTo} />
      ) : (
        diagnostics.length > 0 && (
          <ul role="list" className="policy-editor-problems" aria-labelledby={summaryId}>
            {diagnostics.map((d, i) => {
              const { line, column } = reportedPosition(d);
              return (
                <li
                  key={`${i}:${line}:${column}:${d.message}`}
                  className={`policy-editor-problem pe-${d.severity}`}
                  data-severity={d.severity}
                >
                  <Problem d={d} onGo={() => goTo(i)} />
                </li>
              );
            })}
          </ul>
        )
      )}
    </div>
  );
}

/**
 * Above this many problems the list is virtualised: only the rows in view are in the page. (The
 * 10,000-policy bench of issue 15 has 5,001 warnings, one per policy a CNI does not read: drawn
 * all at once they were 10,000 elements, a React commit of ~70 ms of CPU after each load.)
 */
export const PLAIN_PROBLEMS_MAX = 100;

/** One problem: where, what (a button that takes the cursor there), and its lesson if it has one. */
function Problem({ d, onGo }: { d: Diagnostic; onGo: () => void }) {
  const { line, column } = reportedPosition(d);
  return (
    <>
      <button type="button" onClick={onGo}>
        {fileLabel(d) ?? `line ${line}:${column}`} — {diagnosticText(d)}
      </button>
      {d.lesson && (
        <a className="policy-editor-lesson" href={d.lesson.href}>
          {d.lesson.title}
        </a>
      )}
    </>
  );
}

/** The problems in a scroll box of their own, only the rows in view drawn (measured as drawn). */
function VirtualProblems({
  diagnostics,
  labelledBy,
  goTo,
}: {
  diagnostics: readonly Diagnostic[];
  labelledBy: string;
  goTo: (index: number) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  const v = useVirtualizer({
    count: diagnostics.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 2 * rem,
    overscan: 8,
  });
  return (
    <div
      className="policy-editor-problems is-virtual"
      ref={scroller}
      role="list"
      aria-labelledby={labelledBy}
      tabIndex={-1}
    >
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((row) => {
          const d = diagnostics[row.index]!;
          return (
            <div
              key={row.key}
              role="listitem"
              className={`policy-editor-problem pe-${d.severity}`}
              data-severity={d.severity}
              data-index={row.index}
              ref={v.measureElement}
              style={{ position: 'absolute', top: row.start, left: 0, right: 0 }}
            >
              <Problem d={d} onGo={() => goTo(row.index)} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The one range that differs between two texts (common prefix and suffix kept), as a change. */
export function changedRange(
  before: string,
  after: string,
): { from: number; to: number; insert: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end])
    end++;
  return { from: start, to: before.length - end, insert: after.slice(start, after.length - end) };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function applyDiagnostics(
  view: EditorView,
  diagnostics: readonly Diagnostic[],
  markers: { current: readonly LintDiagnostic[] },
): readonly Diagnostic[] {
  const placed: LintDiagnostic[] = toEditorDiagnostics(view.state.doc, diagnostics).map(
    (marker, i) => {
      // A lint warning's tooltip links the lesson step that teaches the point.
      const lesson = diagnostics[i]?.lesson;
      if (!lesson) return marker;
      return {
        ...marker,
        renderMessage: () => {
          const box = document.createElement('span');
          const link = document.createElement('a');
          link.href = lesson.href;
          link.textContent = lesson.title;
          box.append(`${marker.message} — `, link);
          return box;
        },
      };
    },
  );
  markers.current = placed;
  view.dispatch(setDiagnostics(view.state, placed));
  return diagnostics;
}
