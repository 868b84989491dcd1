/**
 * Live diff in the Dataplane panel (issue 16): after an edit of the scenario, what the edit changed
 * in the node's dump, "Since your edit: +N −M rows", with "Show changes only" (the rows added, with
 * a +, and removed, struck through with a −: symbols and words, not colour alone) and Dismiss. The
 * base is the dump before the edits, kept in the dataplane slice until Dismiss or another scenario;
 * the diff itself is datapath/editDiff.ts.
 */
import { Fragment, useMemo } from 'react';
import type { DataplaneDump } from '../datapath/dataplaneDump';
import { diffDump, editedSince, type DumpChange, type DumpDiff } from '../datapath/editDiff';
import { useAppStore, type AppState } from '../store';

const selectBases = (s: AppState) => s.dataplaneBases;
const selectDumpCluster = (s: AppState) => s.dataplaneDumpCluster;
const selectScenarioId = (s: AppState) => s.view.scenarioId;

/** The diff of `dump` since the user's edits, or null when there was no edit since its base. */
export function useDumpDiff(dump: DataplaneDump | null): DumpDiff | null {
  const bases = useAppStore(selectBases);
  const cluster = useAppStore(selectDumpCluster);
  const scenarioId = useAppStore(selectScenarioId);
  const base = dump ? bases[`${dump.cni}/${dump.node}`] : undefined;
  return useMemo(
    () =>
      dump && editedSince(base, scenarioId, cluster) ? diffDump(base.value, dump.lines) : null,
    [dump, base, scenarioId, cluster],
  );
}

/** The summary line with its two buttons. */
export function DiffBar({
  diff,
  changesOnly,
  onChangesOnly,
  onDismiss,
}: {
  readonly diff: DumpDiff;
  readonly changesOnly: boolean;
  readonly onChangesOnly: (on: boolean) => void;
  readonly onDismiss: () => void;
}) {
  const none = diff.added + diff.removed === 0;
  return (
    <p className="dp-diff edit-diff" aria-live="polite">
      <span className="dp-diff-label">Since your edit:</span>{' '}
      {none ? (
        'no row changed on this node.'
      ) : (
        <>
          <span className="dp-diff-added" aria-hidden="true">
            +{diff.added}
          </span>
          <span className="visually-hidden">{diff.added} added,</span>{' '}
          <span className="dp-diff-removed" aria-hidden="true">
            −{diff.removed}
          </span>
          <span className="visually-hidden">{diff.removed} removed</span> rows{' '}
          <button
            type="button"
            aria-pressed={changesOnly}
            onClick={() => onChangesOnly(!changesOnly)}
          >
            Show changes only
          </button>
        </>
      )}{' '}
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </p>
  );
}

/** The changed rows, grouped under their section's title, removed before added. */
export function ChangeList({ diff, label }: { readonly diff: DumpDiff; readonly label: string }) {
  const groups = useMemo(() => {
    const m = new Map<string, DumpChange[]>();
    for (const c of diff.changes) m.set(c.section, [...(m.get(c.section) ?? []), c]);
    return [...m];
  }, [diff]);
  return (
    <div className="dp-scroll dp-changes" role="region" aria-label={label} tabIndex={0}>
      {groups.map(([section, changes]) => (
        <section key={section} className="dp-change-group">
          <h4>{section}</h4>
          <ul>
            {changes.map((c) => (
              <li key={`${c.change}-${c.line}`} className={`dp-change dp-change-${c.change}`}>
                <span className="dp-change-sign" aria-hidden="true">
                  {c.change === 'added' ? '+' : '−'}
                </span>
                <span className="visually-hidden">{c.change}: </span>
                {c.change === 'removed' ? (
                  <del>
                    <Tokens text={c.text} />
                  </del>
                ) : (
                  <ins>
                    <Tokens text={c.text} />
                  </ins>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** A row's text, wrapped at spaces only: each token stays whole (`cali-pi-…`, `--dports`). */
function Tokens({ text }: { readonly text: string }) {
  return (
    <code>
      {text.split(' ').map((token, i) => (
        <Fragment key={i}>
          {i > 0 ? ' ' : null}
          <span className="dp-token">{token}</span>
        </Fragment>
      ))}
    </code>
  );
}
