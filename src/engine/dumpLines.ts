/**
 * A dataplane dump as structured lines: the text a tool prints (`iptables-save`, `ipset save`,
 * `cilium bpf … list`), cut into sections (a chain, an IP set, a map) and rows with stable ids, so a
 * viewer can collapse sections, search, and point at the row a walk's trace names. The CLI joins the
 * same lines into its text (`dumpText`), so the two never differ.
 *
 * A leaf module: plain data, no imports.
 */

export interface DumpLine {
  /** Unique within one dump: `filter/cali-tw-x/3`, `ipcache/10.244.1.5/32`, `policy/123/…`. */
  readonly id: string;
  /** The id of the section this line belongs to; '' for lines outside every section. */
  readonly section: string;
  /**
   * `section`: a section's title (its rows follow it); `row`: an entry of a table, chain or set;
   * `text`: anything else the tool prints (comments, `*filter`, `COMMIT`, column headings).
   */
  readonly kind: 'section' | 'row' | 'text';
  readonly text: string;
  /**
   * False for a title the viewer adds where the tool prints none (iptables-save has no line that
   * opens a chain's rules): it is shown, but not part of the tool's text.
   */
  readonly printed: boolean;
  /** The policy the row was compiled from (`NetworkPolicy shop/allow-web`), when one was. */
  readonly policy?: string;
}

/** What the tool prints: the printed lines, one per line of text. */
export const dumpText = (lines: readonly DumpLine[]): string =>
  lines
    .filter((l) => l.printed)
    .map((l) => l.text)
    .join('\n');

/** Builds lines section by section. */
export class DumpBuilder {
  readonly lines: DumpLine[] = [];
  private section = '';

  /** A line outside every section (and closes the open one). */
  text(text: string, id = `text/${this.lines.length}`): this {
    this.section = '';
    this.lines.push({ id, section: '', kind: 'text', text, printed: true });
    return this;
  }

  /** Opens a section; the lines after it belong to it until the next `open` or `text`. */
  open(id: string, title: string, printed = true): this {
    this.section = id;
    this.lines.push({ id, section: id, kind: 'section', text: title, printed });
    return this;
  }

  /** A row of the open section. */
  row(id: string, text: string, policy?: string): this {
    this.lines.push({
      id,
      section: this.section,
      kind: 'row',
      text,
      printed: true,
      ...(policy !== undefined ? { policy } : {}),
    });
    return this;
  }

  /** A line of the open section that is no entry (a column heading, a note). */
  note(text: string): this {
    this.lines.push({
      id: `${this.section}/text/${this.lines.length}`,
      section: this.section,
      kind: 'text',
      text,
      printed: true,
    });
    return this;
  }
}

// Row ids, shared by the printers and by whoever points into a dump (datapath/dumpTargets.ts).

/** A filter-table rule of a node's dump: its chain and 1-based number. */
export const filterRuleId = (chain: string, number: number): string => `filter/${chain}/${number}`;
export const filterChainId = (chain: string): string => `filter/${chain}`;
export const ipcacheRowId = (node: string, prefix: string): string => `ipcache/${node}/${prefix}`;

/** The key of a policy map entry, as an id: the map's key is unique in the map. */
export const policyEntryId = (
  endpoint: number,
  k: {
    readonly identity: number;
    readonly direction: string;
    readonly proto: number;
    readonly port: number;
    readonly prefixLen: number;
  },
): string => `policy/${endpoint}/${k.identity}/${k.direction}/${k.proto}/${k.port}/${k.prefixLen}`;
export const policyMapId = (endpoint: number): string => `policy/${endpoint}`;
