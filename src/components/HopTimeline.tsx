import { useMemo, useRef, type KeyboardEvent } from 'react';
import type { Hop } from '../datapath/hop';
import type { Cni } from '../engine/model';
import { CNI_TITLE, STAGE_WORDS, stagePhrase } from '../scene/words';
import { alignWalks } from './hopTimeline';

export interface TimelineRow {
  readonly cni: Cni;
  readonly hops: readonly Hop[];
  /** The hop the panel stands at. */
  readonly index: number;
}

/**
 * The hop timeline: one row of chips per CNI on screen (stage glyph + short name), aligned by
 * lifecycle stage so the rows read as a comparison; a chip goes to its hop. Each row is one tab stop
 * (the current chip); arrows, Home and End move along it.
 */
export function HopTimeline({
  rows,
  onGoTo,
}: {
  rows: readonly TimelineRow[];
  onGoTo: (step: number) => void;
}) {
  const live = rows.filter((r) => r.hops.length > 0);
  const columns = useMemo(() => alignWalks(live.map((r) => r.hops)), [live]);
  const chips = useRef(new Map<string, HTMLButtonElement>());
  if (live.length === 0) return null;

  const onKey = (e: KeyboardEvent, row: TimelineRow) => {
    const last = row.hops.length - 1;
    const to =
      e.key === 'ArrowRight'
        ? Math.min(last, row.index + 1)
        : e.key === 'ArrowLeft'
          ? Math.max(0, row.index - 1)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null;
    if (to === null) return;
    // The row owns its arrows (no second step by the shortcut).
    e.preventDefault();
    onGoTo(to);
    chips.current.get(`${row.cni}-${to}`)?.focus();
  };

  return (
    <nav
      className="hop-timeline"
      aria-label="Hop timeline"
      style={{ ['--columns' as string]: columns.length }}
    >
      {live.map((row, r) => (
        <div key={row.cni} className={`hop-timeline-row timeline-${row.cni}`}>
          <span className="hop-timeline-cni" id={`timeline-${row.cni}`}>
            {CNI_TITLE[row.cni]}
          </span>
          <ol aria-labelledby={`timeline-${row.cni}`}>
            {columns.map((column, c) => {
              const i = column.hops[r];
              if (i === null || i === undefined)
                return <li key={c} className="hop-gap" aria-hidden="true" />;
              const hop = row.hops[i]!;
              const chip = STAGE_WORDS[hop.stage];
              const state = i < row.index ? 'past' : i === row.index ? 'current' : 'ahead';
              return (
                <li key={c} style={{ gridColumn: c + 1 }}>
                  <button
                    ref={(el) => {
                      if (el) chips.current.set(`${row.cni}-${i}`, el);
                      else chips.current.delete(`${row.cni}-${i}`);
                    }}
                    type="button"
                    className={`hop-chip hop-chip-${state} stage-${hop.stage}`}
                    aria-current={i === row.index ? 'step' : undefined}
                    aria-label={`${CNI_TITLE[row.cni]} hop ${i + 1} of ${row.hops.length}: ${stagePhrase(hop.stage)} at ${hop.node}`}
                    title={`${i + 1}. ${stagePhrase(hop.stage)} at ${hop.node}: ${hop.where}`}
                    tabIndex={i === row.index ? 0 : -1}
                    onClick={() => onGoTo(i)}
                    onKeyDown={(e) => onKey(e, row)}
                  >
                    <span className="hop-chip-icon" aria-hidden="true">
                      {chip.icon}
                    </span>
                    <span className="hop-chip-name" aria-hidden="true">
                      {chip.short}
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
        </div>
      ))}
    </nav>
  );
}
