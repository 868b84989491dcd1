/** The types every layer draws with. */
import type { Selection } from 'd3';

/** The `<g>` a layer draws into: a d3 selection of one group with no data bound. */
export type LayerGroup = Selection<SVGGElement, unknown, null, undefined>;

/** Records the SVG element drawn for a scene id (null when it goes), so hops and focus can find it. */
export type Register = (id: string, el: SVGElement | null) => void;
