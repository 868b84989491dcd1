import { selectThemePreference, useAppActions, useAppStore } from '../store';

const LABEL = { system: 'System', light: 'Light', dark: 'Dark', projector: 'Projector' } as const;
const ICON = { system: '◐', light: '☀', dark: '☾', projector: '▣' } as const;

/** Cycles the theme: follow the system, light, dark. The label names the current choice. */
export function ThemeToggle() {
  const preference = useAppStore(selectThemePreference);
  const cycle = useAppActions().cycleThemePreference;
  return (
    <button
      type="button"
      className="theme-toggle"
      onClick={cycle}
      aria-label={`Theme: ${LABEL[preference]}`}
      title="Switch theme (system, light, dark, projector)"
    >
      <span aria-hidden="true">{ICON[preference]}</span>{' '}
      <span className="theme-word">Theme: {LABEL[preference]}</span>
    </button>
  );
}
