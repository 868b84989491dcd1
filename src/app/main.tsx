import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { firstScreen } from './settle';
import './styles.css';
import './layout.css';
import './presenting.css';

// The first render as a transition: React renders the page in slices that yield to the browser
// (about 5 ms each) instead of one task of the whole tree right after the scripts ran.
const root = createRoot(document.getElementById('root')!);
startTransition(() =>
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);

// Offline use (issue 18): the service worker and its update notice, in the build only (none under
// `npm start`), in a chunk of its own, once the first screen has settled (settle.ts says why).
if (import.meta.env.PROD) {
  void firstScreen.settled
    .then(() => import('./pwaNotice'))
    .then(
      (m) => m.mountUpdateNotice(),
      (error: unknown) =>
        console.warn(`PacketWalk: offline support did not load (${String(error)})`),
    );
}
