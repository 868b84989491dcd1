/** The files the import takes: small, so the page's first download carries only this. */
export const IMPORT_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** The file input's `accept`: the extensions and their MIME types. */
export const IMPORT_ACCEPT = [
  ...IMPORT_EXTENSIONS,
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'application/json',
].join(',');
