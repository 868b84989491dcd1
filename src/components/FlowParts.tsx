/**
 * The parts the Hubble and Calico flow views share: the filter box (parsed as typed), the example
 * filters, the virtualised list of flows and the way back from a flow's details.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useId, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { useFilterText } from './useFilterText';

/** A flow view's filter language: the command it stands for, how it reads, and examples of it. */
export interface FilterSyntax<T> {
  readonly command: string;
  readonly placeholder: string;
  /** How the language combines its terms: the box's tooltip, and the line under it. */
  readonly hint: string;
  /** Filters worth one click. */
  readonly examples: readonly string[];
  /** The text as a filter; throws with the reason when it does not read. Module-level (stable). */
  readonly parse: (text: string) => T;
}

/** Example filters as one select (a row of chips took three lines in a 300 px drawer). */
function FilterExamples({
  examples,
  text,
  onPick,
}: {
  readonly examples: readonly string[];
  readonly text: string;
  readonly onPick: (text: string) => void;
}) {
  return (
    <div className="flows-examples">
      <select
        aria-label="Example filters"
        value=""
        onChange={(e) => {
          if (e.target.value !== '') onPick(e.target.value === '∅' ? '' : e.target.value);
        }}
      >
        <option value="">Examples…</option>
        {examples.map((ex) => (
          <option key={ex} value={ex}>
            {ex}
          </option>
        ))}
        {text && <option value="∅">(clear the filter)</option>}
      </select>
    </div>
  );
}

/** Back from a flow's details to the list (the list and the details share the panel's height). */
export function FlowBack({ onClose }: { readonly onClose: () => void }) {
  return (
    <button type="button" className="flow-back" onClick={onClose}>
      ← All flows
    </button>
  );
}

/** A filter's text parsed, or why it does not parse (said at the filter, the text kept). */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function useParsed<T>(text: string, parse: (text: string) => T): Parsed<T> {
  return useMemo(() => {
    try {
      return { ok: true, value: parse(text) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }, [text, parse]);
}

/** A flow view's filter: the text as typed (`stored` is the view's, written back by `commit`), parsed. */
export function useFlowFilter<T>(
  stored: string,
  commit: (text: string) => void,
  syntax: FilterSyntax<T>,
): { readonly text: string; readonly setText: (text: string) => void; readonly filter: Parsed<T> } {
  const [text, setText] = useFilterText(stored, commit);
  const filter = useParsed(text, syntax.parse);
  return { text, setText, filter };
}

/** A piece of a filter's text as shown: a term that stays on one line, or the space between two. */
export interface FilterPiece {
  readonly text: string;
  readonly unit: boolean;
}

/**
 * A filter's text cut into what must stay on one line: a flag with its value (`--verdict DROPPED`),
 * or a term on its own (`--type=l7`, `action=Deny`); between them the whitespace as typed. Joined
 * again the pieces are the text.
 */
export function filterPieces(text: string): FilterPiece[] {
  // Terms at the even places, the whitespace between them at the odd ones.
  const parts = text.split(/(\s+)/);
  const pieces: FilterPiece[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    let term = parts[i]!;
    const value = parts[i + 2];
    if (term.startsWith('-') && value && !value.startsWith('-')) {
      term += parts[i + 1]! + value;
      i += 2;
    }
    if (term !== '') pieces.push({ text: term, unit: true });
    const space = parts[i + 1];
    if (space) pieces.push({ text: space, unit: false });
  }
  return pieces;
}

/**
 * The filter's text on a line of its own, the whole of it always in sight: a one-line field that
 * grows a line for each the text wraps onto (a step's `--verdict DROPPED --to-pod shop/backend` is
 * two lines in a 300 px drawer in the projector's type), never scrolled sideways. A filter is one
 * line: Enter adds none, and a pasted line break is a space.
 *
 * A textarea breaks a line after any hyphen (`--` at one line's end, `verdict` at the next's), and
 * no CSS changes that. So while the field is not being edited, its text is shown by a copy laid
 * over it (aria-hidden, clicks pass through) in which each flag and its value wrap as one piece; the
 * textarea's own text is transparent under it, and its value stays the text as typed. Focused (a
 * click, Tab), the copy hides and the textarea's text is seen and edited as usual. The field is as
 * tall as the taller of the two.
 */
function FilterField({
  value,
  placeholder,
  title,
  invalid,
  describedBy,
  onText,
}: {
  readonly value: string;
  readonly placeholder: string;
  readonly title: string;
  readonly invalid: boolean;
  readonly describedBy: string;
  readonly onText: (text: string) => void;
}) {
  const field = useRef<HTMLTextAreaElement>(null);
  const shown = useRef<HTMLDivElement>(null);
  // As tall as its text: after each change, and when the drawer's width changes its wrapping.
  useLayoutEffect(() => {
    const el = field.current;
    if (!el) return;
    const fit = () => {
      el.style.height = 'auto';
      const border = el.offsetHeight - el.clientHeight;
      const own = el.scrollHeight + border;
      el.style.height = `${Math.max(own, shown.current?.offsetHeight ?? 0)}px`;
    };
    fit();
    if (typeof ResizeObserver === 'undefined') return;
    let width = el.clientWidth;
    const watch = new ResizeObserver(() => {
      if (el.clientWidth === width) return;
      width = el.clientWidth;
      fit();
    });
    watch.observe(el);
    return () => watch.disconnect();
  }, [value]);
  return (
    <span className="flows-field" data-shown={value === '' ? undefined : 'pieces'}>
      <textarea
        ref={field}
        rows={1}
        value={value}
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        title={title}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.preventDefault();
        }}
        onChange={(e) => onText(e.target.value.replace(/\s*[\r\n]+\s*/g, ' '))}
      />
      {value !== '' && (
        <span className="flows-field-shown" aria-hidden="true" ref={shown}>
          {filterPieces(value).map((p, i) =>
            p.unit ? (
              <span key={i} className="flows-piece">
                {p.text}
              </span>
            ) : (
              p.text
            ),
          )}
        </span>
      )}
    </span>
  );
}

/**
 * The filter box: the command it stands for, the text, a hint or the error under it, then a row
 * with the example filters and the view's own `children` (a count, the output's choice).
 */
export function FilterBar({
  syntax,
  text,
  onText,
  filter,
  children,
}: {
  readonly syntax: FilterSyntax<unknown>;
  readonly text: string;
  readonly onText: (text: string) => void;
  readonly filter: Parsed<unknown>;
  readonly children?: ReactNode;
}) {
  const errorId = useId();
  const error = filter.ok ? null : filter.error;
  return (
    <>
      <label className="flows-filter">
        <span className="flows-command">{syntax.command}</span>
        <FilterField
          value={text}
          placeholder={syntax.placeholder}
          title={syntax.hint}
          invalid={error !== null}
          describedBy={errorId}
          onText={onText}
        />
      </label>
      <p id={errorId} className={error === null ? 'flows-hint' : 'flows-error'} aria-live="polite">
        {error ?? syntax.hint}
      </p>
      <div className="flows-output">
        <FilterExamples examples={syntax.examples} text={text} onPick={onText} />
        {children}
      </div>
    </>
  );
}

/** A row is three lines high at least: from, to whom, then time, verdict and what decided. */
const ROW_REM = 4.4;

/**
 * A virtualised list of flows, one button per row (it opens the row's details); `label` names the
 * list for screen readers and tests. A row's lines wrap where the list is too narrow for them (the
 * projector's type in a 300 px drawer: `→ shop/backend` and `8080/TCP` on lines of their own), so
 * rows are measured, not of one height.
 */
export function FlowRows<T>({
  items,
  rowKey,
  verdict,
  label,
  empty,
  open,
  onOpen,
  children,
}: {
  readonly items: readonly T[];
  readonly rowKey: (item: T) => string;
  readonly verdict: (item: T) => string;
  readonly label: string;
  readonly empty: string;
  readonly open: string | null;
  readonly onOpen: (key: string | null) => void;
  readonly children: (item: T) => ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  // A row's measured height is kept under its flow's key (a new filter moves rows); a drawn row is
  // measured again whenever its box changes size (the drawer resized, the theme's type), one not
  // drawn when it is drawn next.
  const itemKey = useCallback(
    (i: number) => {
      const item = items[i];
      return item === undefined ? i : rowKey(item);
    },
    [items, rowKey],
  );
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_REM * rem,
    getItemKey: itemKey,
    overscan: 8,
  });
  if (items.length === 0) return <p className="flows-empty">{empty}</p>;
  return (
    <div className="flows-list" ref={scroller} role="list" aria-label={label}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((row) => {
          const item = items[row.index]!;
          const key = rowKey(item);
          return (
            <div
              key={key}
              role="listitem"
              className="flow-row"
              data-index={row.index}
              ref={v.measureElement}
              style={{ position: 'absolute', top: row.start, left: 0, right: 0 }}
            >
              <button
                type="button"
                aria-expanded={open === key}
                data-verdict={verdict(item)}
                onClick={() => onOpen(open === key ? null : key)}
              >
                {children(item)}
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}
