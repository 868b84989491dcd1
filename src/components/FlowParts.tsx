/** Small parts the Hubble and Calico flow views share: the example filters and the way back. */

/** Example filters as one select (a row of chips took three lines in a 300 px drawer). */
export function FilterExamples({
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
