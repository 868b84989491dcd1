import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSeedClaims } from './seedClaims';

describe('the fact check as the app loads it', () => {
  it('reads every claim of the file, checked against the bundled lessons, once per page', async () => {
    const text = readFileSync(new URL('../../lessons/seed-claims.yaml', import.meta.url), 'utf8');
    const ids = [...text.matchAll(/^ {2}- id: (\S+)$/gm)].map((m) => m[1]);
    const first = loadSeedClaims();
    expect(loadSeedClaims()).toBe(first);
    const data = await first;
    expect(data.claims.map((c) => c.id)).toEqual(ids);
    expect(data.articles).toHaveLength(2);
  });
});
