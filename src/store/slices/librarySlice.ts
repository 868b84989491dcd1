/**
 * The library slice (issue 18): the user's own scenarios as the app read them from the browser
 * (app/library.ts keeps them in IndexedDB and writes every change made here behind it), the
 * library's operations as the app provides them, and the one offer to undo (a deleted scenario, a
 * reset). Not in the URL: a link names a user scenario by its id (`scenario=my:…`).
 */
import type { StateCreator } from 'zustand/vanilla';

/** A user scenario's id starts with this; the rest is a slug of its name. */
export const USER_SCENARIO_PREFIX = 'my:';
const USER_ID = /^my:[a-z0-9][a-z0-9-]{0,63}$/;
export const isUserScenarioId = (id: string): boolean => USER_ID.test(id);

export interface UserScenario {
  /** `my:` and a slug: what the link carries. */
  readonly id: string;
  readonly name: string;
  /** The manifests as saved (edits made after are kept beside, as a built-in's are). */
  readonly text: string;
  readonly created: number;
  readonly updated: number;
  /** Deleted, with its undo still on offer: hidden from lists, kept until the offer ends. */
  readonly trashed?: boolean;
}

/** What the library's dialog asks of the app (app/library.ts); errors come back in words. */
export interface LibraryActions {
  /** Saves the scenario on screen (its edits included) under a new name and opens it. */
  saveAs(name: string): { id: string } | { error: string };
  open(id: string): void;
  rename(id: string, name: string): { error: string } | null;
  /** A copy of a built-in or user scenario (its edits included); returns the copy's id. */
  duplicate(id: string): string;
  /** Deletes with an offer to undo. */
  remove(id: string): void;
}

/** A notice with an Undo button, for a few seconds. */
export interface UndoOffer {
  readonly key: number;
  readonly message: string;
  readonly undo: () => void;
  /** The window closed without an undo: finish the job (drop the deleted record). */
  readonly expire?: () => void;
}

export interface LibrarySliceState {
  readonly userScenarios: readonly UserScenario[];
  /** Null until the library is read. */
  readonly libraryActions: LibraryActions | null;
  readonly undoOffer: UndoOffer | null;
  /** The pointer or the focus is on the offer: its window does not run out meanwhile. */
  readonly undoHeld: boolean;
}

export interface LibrarySliceActions {
  setUserScenarios(list: readonly UserScenario[]): void;
  setLibraryActions(actions: LibraryActions | null): void;
  /** Shows an offer to undo; an earlier offer's window closes (it expires) first. */
  offerUndo(offer: Omit<UndoOffer, 'key'>): void;
  /** Ends the offer `key`: undone (its undo runs) or expired (its expire runs). */
  settleUndo(key: number, how: 'undo' | 'expire'): void;
  holdUndo(held: boolean): void;
}

export type LibrarySlice = LibrarySliceState & LibrarySliceActions;

export const DEFAULT_LIBRARY_SLICE: LibrarySliceState = {
  userScenarios: [],
  libraryActions: null,
  undoOffer: null,
  undoHeld: false,
};

let undoKeys = 0;

export const createLibrarySlice: StateCreator<LibrarySlice> = (set, get) => ({
  ...DEFAULT_LIBRARY_SLICE,
  setUserScenarios: (userScenarios) => set({ userScenarios }),
  setLibraryActions: (libraryActions) => set({ libraryActions }),
  offerUndo: (offer) => {
    const earlier = get().undoOffer;
    if (earlier) get().settleUndo(earlier.key, 'expire');
    set({ undoOffer: { ...offer, key: ++undoKeys }, undoHeld: false });
  },
  holdUndo: (undoHeld) => set({ undoHeld }),
  settleUndo: (key, how) => {
    const offer = get().undoOffer;
    if (!offer || offer.key !== key) return;
    set({ undoOffer: null, undoHeld: false });
    if (how === 'undo') offer.undo();
    else offer.expire?.();
  },
});
