/**
 * What the Share popover writes (issue 18, Export and Share): file names, the walk file, and whether
 * a link is short enough to share. Pure; the popover does the clipboard and the downloads.
 */
import type { Cni } from '../engine/model';
import { walkJson } from '../datapath/walkJson';
import type { WalkResult } from '../datapath/walk';

/**
 * The longest link offered as a link. RFC 9110 §4.1 recommends that senders and recipients support
 * URIs of at least 8000 octets, the figure servers, proxies and browsers agree on in practice; past it
 * links are cut or refused on the way (chat apps and mail clients truncate or break long lines, and
 * some servers answer 414). The scenario rides in the fragment, which the server never sees, but
 * the link still travels through those tools, so a longer one is offered as a file instead.
 */
export const MAX_SHARE_URL_LENGTH = 8000;

/** A file name part: lower case, letters, digits and dashes only (a lesson's id has slashes). */
export function fileSlug(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/\.ya?ml$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 60).replace(/-+$/, '') || 'scenario';
}

/** `2026-12-03`, the local date the file was written. */
export function fileDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

/** `packetwalk-seed-policies-walk-2026-12-03.json`; the scenario alone has no `what`. */
export function exportFileName(scenarioId: string, what: string, ext: string, date: Date): string {
  return (
    ['packetwalk', fileSlug(scenarioId), what, fileDate(date)].filter(Boolean).join('-') + `.${ext}`
  );
}

/** The walk file: the packet's walk through each CNI on screen, each as `cli walk --json` prints it. */
export function walksFile(
  scenario: string,
  walks: readonly { readonly cni: Cni; readonly result: WalkResult }[],
): string {
  return `${JSON.stringify({ scenario, walks: walks.map((w) => walkJson(w.result)) }, null, 2)}\n`;
}

export type LinkCheck =
  | { readonly fits: true; readonly link: string }
  | {
      readonly fits: false;
      readonly length: number;
      /** Set when the edited text itself is too long for any link (the URL leaves it out). */
      readonly textLength?: number;
      /** The same view with the built-in scenario (the edits left out), when that one fits. */
      readonly withoutEdits: string | null;
    };

/**
 * Whether the current link can be shared as a link; if not, the link without the edits.
 * `textLength`: the edited text's length when it is too long for a link (store LINK_TEXT_MAX), so
 * the address bar's link lacks it and must not be copied as if it had it.
 */
export function checkLink(
  link: string,
  withoutEdits: string | null,
  textLength: number | null = null,
): LinkCheck {
  if (textLength === null && link.length <= MAX_SHARE_URL_LENGTH) return { fits: true, link };
  const plain = withoutEdits && withoutEdits.length <= MAX_SHARE_URL_LENGTH ? withoutEdits : null;
  return {
    fits: false,
    length: link.length,
    withoutEdits: plain,
    ...(textLength === null ? {} : { textLength }),
  };
}
