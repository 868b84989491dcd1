import { BASELINE_LINE, BASELINE_NAME_CHANGES, BASELINE_NOTE } from '../engine/baseline';

/**
 * "About this model": the releases whose names and behaviour PacketWalk teaches (one line, always
 * shown in the footer), with the well-known names that differ in other releases one click away.
 */
export function AboutModel() {
  return (
    <section className="about-model" aria-label="About this model">
      <p>
        <strong>About this model:</strong> {BASELINE_LINE}. {BASELINE_NOTE}
      </p>
      <details>
        <summary>Names in other versions</summary>
        <ul>
          {BASELINE_NAME_CHANGES.map((line) => (
            <li key={line}>{line}.</li>
          ))}
        </ul>
      </details>
    </section>
  );
}
