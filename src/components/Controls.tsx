import { isPlaying, MAX_SPEED, MIN_SPEED } from '../machines/timeline';
import { useTimeline, useTimelineSelector } from '../store';

/**
 * Play, pause, step both ways, reset, speed: buttons of the timeline actor, enabled when it would
 * take the event. Names are the ones tests and keyboard users rely on.
 */
export function Controls({ longest }: { longest: number }) {
  const timeline = useTimeline();
  const playing = useTimelineSelector(isPlaying);
  const speed = useTimelineSelector((s) => s.context.speed);
  const step = useTimelineSelector((s) => s.context.step);
  const canPlay = useTimelineSelector((s) => s.can({ type: 'PLAY' }));
  const canStep = useTimelineSelector((s) => s.can({ type: 'STEP' }));
  const canBack = useTimelineSelector((s) => s.can({ type: 'BACK' }));
  const shown = longest === 0 ? 0 : Math.min(step, longest - 1) + 1;
  return (
    <div className="controls" role="group" aria-label="Playback">
      {playing ? (
        <button type="button" onClick={() => timeline.send({ type: 'PAUSE' })}>
          Pause
        </button>
      ) : (
        <button type="button" onClick={() => timeline.send({ type: 'PLAY' })} disabled={!canPlay}>
          Play
        </button>
      )}
      <button type="button" onClick={() => timeline.send({ type: 'BACK' })} disabled={!canBack}>
        Step back
      </button>
      <button type="button" onClick={() => timeline.send({ type: 'STEP' })} disabled={!canStep}>
        Step forward
      </button>
      <button type="button" onClick={() => timeline.send({ type: 'RESET' })}>
        Reset
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
        Hop {shown} of {longest}
      </span>
    </div>
  );
}
