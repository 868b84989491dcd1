import { useEffect, useState } from 'react';
import { AppShell } from '../components/AppShell';
import { createAppStore, StoreProvider } from '../store';
import { startController } from './controller';
import { startEngine } from './engine';
import { BUILT_IN_SCENARIOS } from './scenarios';
import { readStoredThemePreference, syncTheme } from './theme';

/** The only place that wires store, engine, URL and views together. */
export function App() {
  const [store] = useState(() =>
    createAppStore({ themePreference: readStoredThemePreference(safeLocalStorage()) }),
  );

  useEffect(() => syncTheme(store), [store]);

  useEffect(() => {
    const client = startEngine(store);
    const stop = startController(store, client, {
      location: window.location,
      history: window.history,
      storage: safeLocalStorage(),
      onHashChange: (listener) => {
        window.addEventListener('hashchange', listener);
        return () => window.removeEventListener('hashchange', listener);
      },
    });
    return () => {
      stop();
      client.dispose();
    };
  }, [store]);

  return (
    <StoreProvider store={store}>
      <AppShell scenarios={BUILT_IN_SCENARIOS} />
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
