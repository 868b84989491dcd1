import { useEffect, useState } from 'react';
import { AppShell, type LessonSupport } from '../components/AppShell';
import { createAppStore, StoreProvider } from '../store';
import { startController } from './controller';
import { startEngine } from './engine';
import { LESSONS } from './lessons';
import { lessonStepView, stepHopIndex } from './lessonView';
import { BUILT_IN_SCENARIOS } from './scenarios';

const LESSON_SUPPORT: LessonSupport = {
  lessons: LESSONS,
  stepView: lessonStepView,
  hopIndex: stepHopIndex,
  status: () => '',
};
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
      <AppShell scenarios={BUILT_IN_SCENARIOS} lessonSupport={LESSON_SUPPORT} />
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
