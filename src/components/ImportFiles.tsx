import { useCallback, useEffect, useState } from 'react';
import { MAX_YAML_BYTES } from '../engine/parse/limits';
import { useAppStoreApi } from '../store';
import { IMPORT_ACCEPT } from './importAccept';
import type { ReadFile } from './importPlan';
import './ImportFiles.css';

/** The hidden file input's id: the Packet popover's "Import files…" clicks it. */
export const IMPORT_INPUT_ID = 'import-files-input';

async function readFile(file: File): Promise<ReadFile> {
  // Too large to be taken: not read at all.
  if (file.size > MAX_YAML_BYTES)
    return { name: file.name, bytes: new Uint8Array(0), size: file.size };
  try {
    return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  } catch (error) {
    return { name: file.name, bytes: new Uint8Array(0), error: String(error) };
  }
}

/**
 * Imports files as the scenario: their joined text replaces the scenario's (same scenario id),
 * and once the engine read it a notice says what loaded, with Undo bringing the old text back.
 */
export function useImportFiles(): (files: readonly File[]) => Promise<void> {
  const store = useAppStoreApi();
  return useCallback(
    async (list) => {
      // The planning, joining and wording load on the first import, not with the page.
      const { importedText, importSummary, planImport, refusedText } = await import('./importPlan');
      const plan = planImport(await Promise.all(list.map(readFile)));
      const text = importedText(plan);
      const start = store.getState();
      if (text === null) {
        start.setNotice(`Nothing was imported. ${refusedText(plan)}`);
        return;
      }
      const previous = start.view.scenarioText;
      const before = { diagnostics: start.diagnostics, loaded: start.loadedScenario };
      const announce = (same: boolean) => {
        const s = store.getState();
        const loaded = s.loadedScenario;
        const fresh = loaded && (same || loaded !== before.loaded);
        s.offerUndo({
          message: importSummary(
            plan,
            s.diagnostics,
            fresh
              ? { pods: loaded.pods, policies: loaded.policies, nodes: loaded.nodes.length }
              : null,
          ),
          undo: () => store.getState().setScenarioText(previous),
        });
      };
      if (text === previous) {
        announce(true);
        return;
      }
      // The notice waits for the engine's answer: new diagnostics with an error, or a new load.
      const stop = store.subscribe((s) => {
        if (s.diagnostics === before.diagnostics) return;
        if (
          s.loadedScenario === before.loaded &&
          !s.diagnostics.some((d) => d.severity === 'error')
        )
          return;
        stop();
        window.clearTimeout(giveUp);
        announce(false);
      });
      const giveUp = window.setTimeout(stop, 60_000);
      start.setScenarioText(text);
    },
    [store],
  );
}

const carriesFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;

/**
 * Files dropped anywhere on the visualizer are imported (an overlay says so while dragging), and
 * the file input the Packet popover's "Import files…" opens. Mounted outside the popover, so the
 * input outlives the popover while the file chooser is open.
 */
export function ImportFiles() {
  const importFiles = useImportFiles();
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!carriesFiles(e) || e.defaultPrevented) return;
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = 0;
      setDragging(false);
      // Another handler took it (the editor inserts a dropped file's text).
      if (e.defaultPrevented) return;
      e.preventDefault();
      void importFiles([...(e.dataTransfer?.files ?? [])]);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [importFiles]);
  return (
    <>
      <input
        id={IMPORT_INPUT_ID}
        type="file"
        multiple
        accept={IMPORT_ACCEPT}
        hidden
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          if (files.length > 0) void importFiles(files);
        }}
      />
      {dragging && (
        <div className="import-drop-overlay" role="status" data-testid="import-drop-overlay">
          <p>Drop manifests to import</p>
        </div>
      )}
    </>
  );
}

/** "Import files…" in the Packet popover: opens the file chooser. */
export function ImportFilesButton() {
  return (
    <button
      type="button"
      className="import-open"
      title="Load kubectl, calicoctl or your own manifests (.yaml, .yml, .json) as this scenario"
      onClick={() => document.getElementById(IMPORT_INPUT_ID)?.click()}
    >
      Import files…
    </button>
  );
}
