/**
 * The marks of the seed articles' fact check (issue 14), on their own so the URL parser can read a
 * `#/facts?mark=` link without loading the checker (seedClaims.ts, loaded with the page).
 */
export const SEED_VERDICTS = ['true', 'dated', 'simplified', 'false', 'unverifiable'] as const;
export type SeedVerdict = (typeof SEED_VERDICTS)[number];
