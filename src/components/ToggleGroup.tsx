/**
 * A choice of one of a few values as a row of buttons, the chosen one pressed (`aria-pressed`):
 * the CNI of the dataplane panel, the Hubble output, the fact-check filter.
 */
import type { ReactNode } from 'react';

export function ToggleGroup<T extends string>({
  label,
  className = 'segmented',
  options,
  value,
  onChange,
  title,
  children,
}: {
  /** The group's accessible name. */
  readonly label: string;
  readonly className?: string;
  readonly options: readonly T[];
  readonly value: T;
  readonly onChange: (option: T) => void;
  /** A button's tooltip. */
  readonly title?: (option: T) => string;
  /** A button's content. */
  readonly children: (option: T) => ReactNode;
}) {
  return (
    <div className={className} role="group" aria-label={label}>
      {options.map((o) => (
        <button
          key={o}
          type="button"
          aria-pressed={o === value}
          onClick={() => onChange(o)}
          title={title?.(o)}
        >
          {children(o)}
        </button>
      ))}
    </div>
  );
}
