import { useSyncExternalStore } from 'react';
import './UpdateNotice.css';

/** Where the notice learns of a waiting version and sends the user's answer (src/app/pwa.ts). */
export interface UpdateSource {
  getState(): { needRefresh: boolean };
  subscribe(listener: () => void): () => void;
  reload(): void;
  dismiss(): void;
}

/**
 * "A new version of PacketWalk is ready": shown when the service worker has a new version waiting
 * (src/app/pwa.ts). A polite status, not an alert: it never takes focus or reloads by itself, so a
 * learner mid-lesson finishes the step and reloads when they choose.
 */
export function UpdateNotice({ updates }: { updates: UpdateSource }) {
  const { needRefresh } = useSyncExternalStore(updates.subscribe, updates.getState);
  return (
    // The live region stays in the page (empty, no box) so that screen readers hear what appears.
    <div className="update-notice" role="status" aria-live="polite">
      {needRefresh && (
        <div className="update-notice-box">
          <p>A new version of PacketWalk is ready.</p>
          <button type="button" onClick={() => updates.reload()}>
            Reload
          </button>
          <button type="button" onClick={() => updates.dismiss()}>
            Later
          </button>
        </div>
      )}
    </div>
  );
}
