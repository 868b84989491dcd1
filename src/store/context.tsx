import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createAppStore, type AppState, type AppStore, type AppViewState } from './appStore';

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

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}
