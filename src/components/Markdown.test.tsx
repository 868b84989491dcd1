// @vitest-environment jsdom
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Markdown, renderMarkdown } from './Markdown';

describe('lesson Markdown', () => {
  it('keeps the prose and drops what could run', () => {
    const html = renderMarkdown(
      [
        '# Title with `code`',
        '',
        'A [link](https://docs.cilium.io/) and **bold**.',
        '',
        '<img src="x" onerror="alert(1)"> <script>alert(2)</script>',
        '',
        '[click](javascript:alert(3)) <a href="#" onclick="alert(4)">a</a>',
        '',
        '<iframe src="https://example.invalid"></iframe><svg><script>alert(5)</script></svg>',
      ].join('\n'),
    );
    expect(html).toContain('<h1>Title with <code>code</code></h1>');
    expect(html).toContain('<a href="https://docs.cilium.io/">link</a>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).not.toMatch(/onerror|onclick|<script|javascript:|<iframe|alert\(/);
  });

  it('renders the sanitised HTML', () => {
    const { container } = render(<Markdown text={'Hello <b onmouseover="x()">there</b>'} />);
    expect(container.querySelector('b')?.outerHTML).toBe('<b>there</b>');
  });
});
