import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { UpdateNotice } from '../components/UpdateNotice';
import { startPwa } from './pwa';
import './styles.css';
import './layout.css';
import './presenting.css';

// The service worker (offline use, issue 18) is the build's only: none under `npm start`.
const updates = import.meta.env.PROD ? startPwa() : null;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
    {updates && <UpdateNotice updates={updates} />}
  </StrictMode>,
);
