/**
 * Files larger than this are refused with a clear error instead of freezing the tab. In its own
 * module so the app's import checks it without pulling the YAML readers into the first download.
 */
export const MAX_YAML_BYTES = 8 * 1024 * 1024;
