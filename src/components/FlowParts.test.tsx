// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { FilterBar, useParsed, type FilterSyntax } from './FlowParts';

afterEach(cleanup);

/** A filter language of `key=value` terms: a term without `=` does not read. */
const SYNTAX: FilterSyntax<readonly string[]> = {
  command: 'whisker',
  placeholder: 'action=Deny',
  hint: 'Terms of one key are ORed.',
  examples: ['action=Deny'],
  parse: (text) =>
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((term) => {
        if (!term.includes('=')) throw new Error(`"${term}" is not key=value`);
        return term;
      }),
};

/** The bar as a view holds it: its text in state, parsed as typed. */
function Bar({ seen }: { readonly seen: string[] }) {
  const [text, setText] = useState('');
  const filter = useParsed(text, SYNTAX.parse);
  return (
    <FilterBar
      syntax={SYNTAX}
      text={text}
      onText={(t) => {
        seen.push(t);
        setText(t);
      }}
      filter={filter}
    />
  );
}

describe('FilterBar', () => {
  it('is one field named by its command, one row high to start, its hint as its title', () => {
    render(<Bar seen={[]} />);
    const field = screen.getByRole('textbox', { name: /whisker/ });
    expect(field.tagName).toBe('TEXTAREA');
    expect(field.getAttribute('rows')).toBe('1');
    expect(field.getAttribute('title')).toBe(SYNTAX.hint);
  });

  it('keeps a filter on one line: a pasted line break is a space, Enter adds nothing', () => {
    const seen: string[] = [];
    render(<Bar seen={seen} />);
    const field = screen.getByRole<HTMLTextAreaElement>('textbox', { name: /whisker/ });
    fireEvent.change(field, { target: { value: 'action=Deny\n  policy=allow\r\n' } });
    expect(seen.at(-1)).toBe('action=Deny policy=allow ');
    expect(field.value).toBe('action=Deny policy=allow ');
    // Enter's default (a new line) is refused.
    expect(fireEvent.keyDown(field, { key: 'Enter' })).toBe(false);
    expect(fireEvent.keyDown(field, { key: 'a' })).toBe(true);
  });

  it('says why a filter does not read, at the field', () => {
    render(<Bar seen={[]} />);
    const field = screen.getByRole('textbox', { name: /whisker/ });
    fireEvent.change(field, { target: { value: 'Deny' } });
    expect(field.getAttribute('aria-invalid')).toBe('true');
    const said = document.getElementById(field.getAttribute('aria-describedby')!)!;
    expect(said.textContent).toBe('"Deny" is not key=value');
  });
});
