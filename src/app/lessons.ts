/**
 * The lessons, bundled: every file of every lessons/NN-slug/ folder as text, parsed with the same
 * parser `npm run lessons:check` uses (which, with the replay test, keeps them valid).
 */
import { parseLesson } from '../lessons/parse';
import type { Lesson } from '../lessons/types';

const files = import.meta.glob('../../lessons/[0-9][0-9]-*/*', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

function bundleLessons(): Lesson[] {
  const byFolder = new Map<string, Record<string, string>>();
  for (const [path, text] of Object.entries(files)) {
    const m = /lessons\/([^/]+)\/([^/]+)$/.exec(path);
    if (!m) continue;
    const folder = byFolder.get(m[1]!) ?? {};
    folder[m[2]!] = text;
    byFolder.set(m[1]!, folder);
  }
  return [...byFolder]
    .map(
      ([id, folderFiles]) => parseLesson({ id, path: `lessons/${id}`, files: folderFiles }).lesson,
    )
    .filter((l): l is Lesson => l !== null)
    .sort((a, b) => a.number - b.number);
}

export const LESSONS: readonly Lesson[] = bundleLessons();
