// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { FilterBar, filterPieces, useParsed, type FilterSyntax } from './FlowParts';

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

describe('filterPieces', () => {
  const units = (text: string) =>
    filterPieces(text)
      .filter((p) => p.unit)
      .map((p) => p.text);

  it('keeps a flag with its value, and a term on its own', () => {
    expect(units('--verdict DROPPED --to-pod shop/backend --type=l7')).toEqual([
      '--verdict DROPPED',
      '--to-pod shop/backend',
      '--type=l7',
    ]);
    expect(units('action=Deny policy~allow')).toEqual(['action=Deny', 'policy~allow']);
    // A flag after a flag is not its value; a flag at the end stands alone.
    expect(units('--follow --verdict FORWARDED -n')).toEqual([
      '--follow',
      '--verdict FORWARDED',
      '-n',
    ]);
  });

  it('gives back the text as typed, its spaces too', () => {
    for (const text of ['', ' ', '  --verdict   DROPPED  --to-pod x ', 'a  b', '--x\ty'])
      expect(
        filterPieces(text)
          .map((p) => p.text)
          .join(''),
      ).toBe(text);
    expect(units('  --verdict   DROPPED ')).toEqual(['--verdict   DROPPED']);
  });
});

describe('the filter as shown', () => {
  it('is a copy of the text for the eye only, a flag and its value in one piece', () => {
    render(<Bar seen={[]} />);
    const field = screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'whisker' });
    fireEvent.change(field, { target: { value: 'action=Deny  reporter=Dst --x y' } });
    const shown = field.parentElement!.querySelector('.flows-field-shown')!;
    expect(shown.getAttribute('aria-hidden')).toBe('true');
    expect(shown.textContent).toBe(field.value);
    expect([...shown.querySelectorAll('.flows-piece')].map((p) => p.textContent)).toEqual([
      'action=Deny',
      'reporter=Dst',
      '--x y',
    ]);
    // The field's value is the text as typed, and its name is still only the command.
    expect(field.value).toBe('action=Deny  reporter=Dst --x y');
    fireEvent.change(field, { target: { value: '' } });
    expect(field.parentElement!.querySelector('.flows-field-shown')).toBeNull();
  });
});
