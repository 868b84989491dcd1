import { useEffect, useRef, useState } from 'react';

/** A filter is written to the view (the URL) a moment after the last keystroke. */
const COMMIT_MS = 300;

/**
 * A filter box's text: what the user types shows at once; it is written to the view (and the URL)
 * after a pause; a new value from outside (a link, a lesson step, Back) replaces it.
 */
export function useFilterText(
  stored: string,
  commit: (text: string) => void,
): [string, (text: string) => void] {
  const [text, setText] = useState(stored);
  const last = useRef(stored);
  // The latest commit, so a caller's inline function does not restart the pause at each render.
  const commitRef = useRef(commit);
  useEffect(() => {
    commitRef.current = commit;
  });
  useEffect(() => {
    if (stored !== last.current) {
      last.current = stored;
      setText(stored);
    }
  }, [stored]);
  useEffect(() => {
    if (text === last.current) return;
    const timer = setTimeout(() => {
      last.current = text;
      commitRef.current(text);
    }, COMMIT_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return [text, setText];
}
