import { useEffect, useState } from 'react';
import { AppShell } from '../components/AppShell';
import { createAppStore, StoreProvider } from '../store';
import { startEngine } from './engine';
import { readStoredThemePreference, syncTheme } from './theme';

/** The only place that wires store, engine and views together. */
export function App() {
  const [store] = useState(() =>
    createAppStore({ themePreference: readStoredThemePreference(safeLocalStorage()) }),
  );

  useEffect(() => syncTheme(store), [store]);

  useEffect(() => {
    const client = startEngine(store);
    return () => client.dispose();
  }, [store]);

  return (
    <StoreProvider store={store}>
      <AppShell />
    </StoreProvider>
  );
}

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
