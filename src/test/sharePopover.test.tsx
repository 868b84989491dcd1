// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scenarioText } from '../app/queries';
import { BUILT_IN_SCENARIOS } from '../app/scenarios';
import { SharePopover } from '../components/SharePopover';
import { createAppStore, DEFAULT_VIEW, LINK_TEXT_MAX, StoreProvider } from '../store';

afterEach(cleanup);

/** What each download wrote: the file name and the blob's text. */
let downloads: { name: string; blob: Blob }[] = [];
beforeEach(() => {
  downloads = [];
  const blobs = new Map<string, Blob>();
  URL.createObjectURL = (b: Blob | MediaSource) => {
    const url = `blob:test/${blobs.size}`;
    blobs.set(url, b as Blob);
    return url;
  };
  URL.revokeObjectURL = () => {};
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    downloads.push({ name: this.download, blob: blobs.get(this.href)! });
  });
});

function open(view: Partial<typeof DEFAULT_VIEW>) {
  const store = createAppStore({ view: { ...DEFAULT_VIEW, ...view } });
  render(
    <StoreProvider store={store}>
      <SharePopover scenarios={BUILT_IN_SCENARIOS} />
    </StoreProvider>,
  );
  fireEvent.click(screen.getByRole('button', { name: /Share/ }));
  return store;
}

describe('Share popover', () => {
  it('exports the built-in scenario as the text the engine loads', async () => {
    const store = open({ scenarioId: 'two-node-basic' });
    fireEvent.click(screen.getByRole('button', { name: 'Scenario (YAML)' }));
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.name).toMatch(/^packetwalk-two-node-basic-\d{4}-\d\d-\d\d\.yaml$/);
    const text = await downloads[0]!.blob.text();
    expect(text).toBe(scenarioText(store.getState().view));
    expect(text).toBe(BUILT_IN_SCENARIOS.find((s) => s.id === 'two-node-basic')!.text);
  });

  it('exports the edited text when there is one', async () => {
    const edited = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: mine\n';
    open({ scenarioId: 'seed-policies', scenarioText: edited });
    fireEvent.click(screen.getByRole('button', { name: 'Scenario (YAML)' }));
    expect(await downloads[0]!.blob.text()).toBe(edited);
  });

  it('says why the matrix and the walk cannot be exported yet', () => {
    open({ scenarioId: 'seed-policies', panels: [] });
    const csv = screen.getByRole('button', { name: 'Matrix (CSV)' });
    expect(csv).toHaveProperty('disabled', true);
    expect(csv.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(csv.getAttribute('aria-describedby')!)!.textContent).toBe(
      'Open the Matrix panel first.',
    );
    expect(screen.getByRole('button', { name: 'Walk (JSON)' })).toHaveProperty('disabled', true);
  });

  it('copies the link, or shows it to copy by hand when the clipboard is refused', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    window.location.hash = '#/walk?scenario=seed-policies';
    open({ scenarioId: 'seed-policies' });
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Link copied'));
    expect(writeText).toHaveBeenCalledWith(window.location.href);

    cleanup();
    writeText.mockRejectedValue(new DOMException('denied', 'NotAllowedError'));
    open({ scenarioId: 'seed-policies' });
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    const field = await screen.findByRole('textbox');
    expect((field as HTMLInputElement).value).toBe(window.location.href);
    expect(field).toHaveProperty('readOnly', true);
  });

  it('offers a file and the link without the edits when the link is too long', async () => {
    const edited = `# ${'x'.repeat(9000)}\n`;
    window.location.hash = `#/walk?scenario=seed-policies&yaml=${'y'.repeat(9000)}`;
    open({ scenarioId: 'seed-policies', scenarioText: edited });
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/over the 8,000/);
    fireEvent.click(screen.getByRole('button', { name: 'Download the scenario (YAML)' }));
    expect(await downloads[0]!.blob.text()).toBe(edited);
    expect(screen.getByRole('button', { name: 'Copy the link without the edits' })).toBeTruthy();
  });

  it('never copies a short link for a text too long to be in it (the URL left it out)', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const edited = `# ${'x'.repeat(LINK_TEXT_MAX)}\n`;
    window.location.hash = '#/walk?scenario=seed-policies';
    open({ scenarioId: 'seed-policies', scenarioText: edited });
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/The edited scenario is 100,003 characters long, too long/);
    expect(writeText).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Download the scenario (YAML)' }));
    expect(await downloads[0]!.blob.text()).toBe(edited);
  });
});
