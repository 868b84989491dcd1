import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/**
 * Lesson prose: Markdown rendered by marked, then sanitised by DOMPurify before it reaches the DOM.
 * The lessons are the project's own files today, but lessons will be authored and shared, and
 * marked passes raw HTML through (a <script>, an onerror attribute, a javascript: link).
 */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false });
  // Without a DOM (DOMPurify needs one) nothing unsanitised is ever returned.
  if (!DOMPurify.isSupported) return '';
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className={className ?? 'markdown'} dangerouslySetInnerHTML={{ __html: html }} />;
}
