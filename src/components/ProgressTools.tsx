import { useCallback, useRef, useState } from 'react';
import type { LessonSupport } from './lessonSupport';

export interface ImportMessage {
  readonly ok: boolean;
  readonly text: string;
}

/**
 * What an import did, in words: how many lessons the file brought (by number), and any lesson of
 * the file this version does not have; or why it was refused. `error` is importText's answer (null:
 * merged), `text` the file, which importText has then validated.
 */
export function importMessage(
  fileName: string,
  text: string,
  error: string | null,
  lessons: readonly { readonly id: string; readonly number: number }[],
): ImportMessage {
  if (error !== null) return { ok: false, text: `Could not import “${fileName}”: ${error}` };
  const ids = Object.keys((JSON.parse(text) as { lessons: Record<string, unknown> }).lessons);
  const known = lessons.filter((l) => ids.includes(l.id)).map((l) => l.number);
  const unknown = ids.filter((id) => !lessons.some((l) => l.id === id));
  const plural = (n: number) => (n === 1 ? 'lesson' : 'lessons');
  let said =
    known.length === 0
      ? `Imported “${fileName}”: it holds no progress for these lessons.`
      : `Imported “${fileName}”: progress for ${known.length} ${plural(known.length)} (${known.join(', ')}).`;
  if (unknown.length > 0)
    said +=
      unknown.length === 1
        ? ` 1 lesson in the file is not in this version (${unknown[0]}); it is kept unchanged.`
        : ` ${unknown.length} lessons in the file are not in this version (${unknown.join(', ')}); they are kept unchanged.`;
  return { ok: true, text: said };
}

/** Imports a progress file (chosen or dropped) and keeps the message that says how it went. */
export function useProgressImport(support: LessonSupport) {
  const [message, setMessage] = useState<ImportMessage | null>(null);
  const { importText, lessons } = support;
  const importFiles = useCallback(
    async (files: readonly File[]) => {
      if (files.length === 0 || !importText) return;
      if (files.length > 1) {
        setMessage({
          ok: false,
          text: `Import one progress file at a time (${files.length} files were given).`,
        });
        return;
      }
      const file = files[0]!;
      let text: string;
      try {
        text = await file.text();
      } catch (e) {
        setMessage({ ok: false, text: `Could not read “${file.name}”: ${(e as Error).message}` });
        return;
      }
      setMessage(importMessage(file.name, text, importText(text), lessons));
    },
    [importText, lessons],
  );
  return { message, importFiles };
}

export type ProgressImport = ReturnType<typeof useProgressImport>;

/** Export and import of progress: a button that opens a file chooser, and the result in words. */
export function ProgressTools({
  support,
  progressImport,
  onExport,
}: {
  support: LessonSupport;
  progressImport: ProgressImport;
  onExport: (text: string) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const { message, importFiles } = progressImport;
  return (
    <div className="progress-tools">
      <button type="button" onClick={() => support.exportText && onExport(support.exportText())}>
        Export progress
      </button>
      <button
        type="button"
        onClick={() => input.current?.click()}
        disabled={!support.importText}
        aria-describedby="import-hint"
      >
        Import progress…
      </button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        hidden
        tabIndex={-1}
        data-testid="import-progress-file"
        onChange={async (e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          await importFiles(files);
        }}
      />
      <span id="import-hint" className="progress-hint">
        or drop a progress file (.json) on the list
      </span>
      <p
        role="status"
        className={`import-message${message ? (message.ok ? ' ok' : ' error') : ''}`}
        data-testid="import-message"
      >
        {message && (
          <>
            <span aria-hidden="true">{message.ok ? '✓ ' : '✗ '}</span>
            {message.text}
          </>
        )}
      </p>
    </div>
  );
}
