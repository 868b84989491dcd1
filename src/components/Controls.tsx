import { isPlaying, MAX_SPEED, MIN_SPEED } from '../machines/timeline';
import { useTimeline, useTimelineSelector } from '../store';
import type { Cni } from '../engine/model';
import { CNI_TITLE } from '../scene/words';

/** Where one CNI panel stands, for the counter: its own hop of its own walk. */
export interface PanelCount {
  readonly cni: Cni;
  readonly index: number;
  readonly total: number;
}

/**
 * The playback bar: Reset, Step back, Play/Pause (at the end Play replays from the start), Step forward, speed, buttons of
 * the timeline actor, enabled when it would take the event; the counter names each panel's own hop
 * count. Names are the ones tests and keyboard users rely on.
 */
export function Controls({ counts }: { counts: readonly PanelCount[] }) {
  const timeline = useTimeline();
  const playing = useTimelineSelector(isPlaying);
  const speed = useTimelineSelector((s) => s.context.speed);
  const atEnd = useTimelineSelector(
    (s) => s.context.maxStep !== null && s.context.step >= s.context.maxStep,
  );
  const canPlay = useTimelineSelector((s) => s.can({ type: 'PLAY' }));
  const canStep = useTimelineSelector((s) => s.can({ type: 'STEP' }));
  const canBack = useTimelineSelector((s) => s.can({ type: 'BACK' }));
  const counter = counts
    .map((c) => `${CNI_TITLE[c.cni]} hop ${c.total === 0 ? 0 : c.index + 1} of ${c.total}`)
    .join(' · ');
  return (
    <div className="controls playback-bar" role="group" aria-label="Playback">
      <button type="button" onClick={() => timeline.send({ type: 'RESET' })}>
        Reset
      </button>
      <button type="button" onClick={() => timeline.send({ type: 'BACK' })} disabled={!canBack}>
        Step back
      </button>
      {playing ? (
        <button type="button" className="play" onClick={() => timeline.send({ type: 'PAUSE' })}>
          Pause
        </button>
      ) : (
        <button
          type="button"
          className="play"
          onClick={() => timeline.send({ type: 'PLAY' })}
          disabled={!canPlay}
          title={atEnd ? 'Play again from the first hop' : undefined}
        >
          Play
        </button>
      )}
      <button type="button" onClick={() => timeline.send({ type: 'STEP' })} disabled={!canStep}>
        Step forward
      </button>
      <label className="speed">
        Speed
        <input
          type="range"
          min={MIN_SPEED}
          max={MAX_SPEED}
          step={0.25}
          value={speed}
          onChange={(e) => timeline.send({ type: 'SET_SPEED', speed: Number(e.target.value) })}
          aria-valuetext={`${speed}×`}
        />
      </label>
      <span className="speed-value" aria-hidden="true">
        {speed}×
      </span>
      <span className="step-counter" data-testid="step-counter">
        {counter}
      </span>
    </div>
  );
}
