/**
 * The parts the Hubble and Calico flow views share: the filter box (parsed as typed), the example
 * filters, the virtualised list of flows and the way back from a flow's details.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
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

/**
 * The filter's text on a line of its own, the whole of it always in sight: a one-line field that
 * grows a line for each the text wraps onto (a step's `--verdict DROPPED --to-pod shop/backend` is
 * two lines in a 300 px drawer in the projector's type), never scrolled sideways. A filter is one
 * line: Enter adds none, and a pasted line break is a space.
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
  // As tall as its text: after each change, and when the drawer's width changes its wrapping.
  useLayoutEffect(() => {
    const el = field.current;
    if (!el) return;
    const fit = () => {
      el.style.height = 'auto';
      const border = el.offsetHeight - el.clientHeight;
      el.style.height = `${el.scrollHeight + border}px`;
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

/** A row is three lines high: from, to whom, then time, verdict and what decided. */
const ROW_REM = 4.4;

/**
 * A virtualised list of flows, one button per row (it opens the row's details); `label` names the
 * list for screen readers and tests.
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
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_REM * rem,
    overscan: 8,
  });
  useEffect(() => v.measure(), [rem, v]);
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
              style={{ position: 'absolute', top: row.start, height: row.size, left: 0, right: 0 }}
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
