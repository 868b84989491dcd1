import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import {
  createAppStore,
  type AppActions,
  type AppState,
  type AppStore,
  type AppViewState,
} from './appStore';

const StoreContext = createContext<AppStore | null>(null);

export function StoreProvider({
  store,
  initial,
  children,
}: {
  /** A store made by the caller (the app's edge, or a test); otherwise one is created. */
  store?: AppStore;
  initial?: Partial<AppViewState>;
  children: ReactNode;
}) {
  const [own] = useState(() => store ?? createAppStore(initial));
  return <StoreContext.Provider value={own}>{children}</StoreContext.Provider>;
}

export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore must be used inside <StoreProvider>.');
  return store;
}

/** Reads the store through a named selector (selectors.ts); re-renders when its value changes. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}

/**
 * The store's actions, without subscribing to anything: actions are created once with the store and
 * never change, so a component that only writes never re-renders for the store.
 */
export function useAppActions(): AppActions {
  return useAppStoreApi().getState();
}
