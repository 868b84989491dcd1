import { MAX_SPEED, MIN_SPEED } from '../machines/packetMachine';
import { useAppStore } from '../store';

/** Play, pause, step both ways, reset, speed. Names are the ones tests and keyboard users rely on. */
export function Controls({ longest }: { longest: number }) {
  const playing = useAppStore((s) => s.playing);
  const speed = useAppStore((s) => s.speed);
  const step = useAppStore((s) => s.view.step);
  const setPlaying = useAppStore((s) => s.setPlaying);
  const setStep = useAppStore((s) => s.setStep);
  const setSpeed = useAppStore((s) => s.setSpeed);
  const atEnd = step >= longest - 1;
  const shown = longest === 0 ? 0 : Math.min(step, longest - 1) + 1;
  return (
    <div className="controls" role="group" aria-label="Playback">
      {playing ? (
        <button type="button" onClick={() => setPlaying(false)}>
          Pause
        </button>
      ) : (
        <button type="button" onClick={() => setPlaying(true)} disabled={atEnd || longest === 0}>
          Play
        </button>
      )}
      <button type="button" onClick={() => setStep(step - 1)} disabled={step === 0}>
        Step back
      </button>
      <button
        type="button"
        onClick={() => setStep(Math.min(step + 1, longest - 1))}
        disabled={atEnd}
      >
        Step forward
      </button>
      <button
        type="button"
        onClick={() => {
          setPlaying(false);
          setStep(0);
        }}
      >
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
          onChange={(e) => setSpeed(Number(e.target.value))}
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
