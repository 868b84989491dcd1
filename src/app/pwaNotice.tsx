import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { UpdateNotice } from '../components/UpdateNotice';
import { startPwa } from './pwa';

/**
 * Registers the service worker and shows its update notice in a root of its own, beside the app's
 * (main.tsx loads this chunk once the first screen has settled, in production builds only).
 */
export function mountUpdateNotice(): void {
  const updates = startPwa();
  if (!updates) return;
  const host = document.createElement('div');
  host.id = 'update-notice-root';
  document.body.append(host);
  createRoot(host).render(
    <StrictMode>
      <UpdateNotice updates={updates} />
    </StrictMode>,
  );
}
