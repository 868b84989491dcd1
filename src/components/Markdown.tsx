import { marked } from 'marked';
import { useMemo } from 'react';

/** Lesson prose. The Markdown comes from the project's own lesson files, not from users. */
export function Markdown({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => marked.parse(text, { async: false }), [text]);
  return <div className={className ?? 'markdown'} dangerouslySetInnerHTML={{ __html: html }} />;
}
