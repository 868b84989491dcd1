/**
 * The service map (issue 17), drawn with d3 into the `<svg>` it is given
 * (`createServiceMap({ svg, onSelect }) -> { update, destroy }`): namespaces as labelled groups,
 * workloads as boxes in them, the outside below, and edges as arrows laid out by
 * serviceMapLayout.ts. An edge is told by its colour and, without colour, by its line (solid:
 * forwarded; dashed with a ✕: dropped; dash-dot with both counts: mixed) and its accessible name.
 * Edges are buttons: a click, Enter or Space selects one (`onSelect`), and the view lists its flows.
 * Colours are the theme's (CSS classes in ServiceMapView.css), never set here.
 */
import { select } from 'd3';
import type { DrawnServiceMap } from './serviceMapFold';
import {
  boxTitle,
  edgeCounts,
  layoutServiceMap,
  type EdgeVerdict,
  type LaidMapBox,
  type LaidMapEdge,
  type ServiceMapLayout,
} from './serviceMapLayout';

export interface ServiceMapOptions {
  readonly width: number;
  /** The panel's font size in px: the labels' size (the projector theme's is larger). */
  readonly fontSize: number;
  readonly selected: string | null;
  /** The namespaces fold and open on a click (serviceMapFold.ts). */
  readonly foldable: boolean;
}

export interface ServiceMapRenderer {
  /** Lays the map out for the room and draws it; returns the layout drawn. */
  update(map: DrawnServiceMap, options: ServiceMapOptions): ServiceMapLayout;
  destroy(): void;
}

const VERDICTS: readonly EdgeVerdict[] = ['forwarded', 'dropped', 'mixed', 'error'];

let instances = 0;

/** What a box's tooltip adds to its name, where the drawn word is short. */
const TITLE_NOTE: Partial<Record<LaidMapBox['kind'], string>> = {
  service: ': a Service with no backend',
  world: ': outside the cluster',
  unknown: ': an address the walk could not resolve',
};

/** What an edge says to a screen reader: who to whom, its counts, its ports and Services. */
export function edgeName(map: DrawnServiceMap, edgeId: string): string {
  const e = map.edges.find((x) => x.id === edgeId);
  if (!e) throw new Error(`service map (${map.cni}): no edge ${edgeId}`);
  const title = (id: string) => {
    const b = map.boxes.find((x) => x.id === id);
    return b ? boxTitle(b) : id;
  };
  const ports = e.ports.length > 0 ? `, ports ${e.ports.join(', ')}` : '';
  const via = e.services.length > 0 ? `, via Service ${e.services.join(', ')}` : '';
  return `${title(e.source)} to ${title(e.target)}: ${edgeCounts(e)}${ports}${via}`;
}

/** Enter and Space press a drawn button as a click does. */
function onPress<T>(act: (d: T) => void) {
  return (event: KeyboardEvent, d: T) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    act(d);
  };
}

export function createServiceMap({
  svg,
  onSelect,
  onToggleNamespace = () => {},
}: {
  svg: SVGSVGElement;
  onSelect: (edgeId: string) => void;
  /** A folded namespace's box, or an open one's group, was pressed. */
  onToggleNamespace?: (namespace: string) => void;
}): ServiceMapRenderer {
  const prefix = `sm${++instances}`;
  const root = select(svg).attr('class', 'service-map');
  const defs = root.append('defs');
  for (const v of VERDICTS)
    defs
      .append('marker')
      .attr('id', `${prefix}-arrow-${v}`)
      .attr('class', `sm-arrow sm-${v}`)
      .attr('viewBox', '0 0 10 10')
      .attr('refX', 9)
      .attr('refY', 5)
      .attr('markerWidth', 7)
      .attr('markerHeight', 7)
      .attr('markerUnits', 'userSpaceOnUse')
      .attr('orient', 'auto')
      .append('path')
      .attr('d', 'M0,0 L10,5 L0,10 z');
  const groupsLayer = root.append('g').attr('class', 'sm-groups');
  const boxesLayer = root.append('g').attr('class', 'sm-boxes');
  const edgesLayer = root.append('g').attr('class', 'sm-edges');
  // Labels and ✕ marks above every line, so another edge's line never covers them; a click on one
  // selects its edge (the edge itself is the button a keyboard reaches).
  const labelsLayer = root.append('g').attr('class', 'sm-edge-labels').attr('aria-hidden', 'true');

  function update(map: DrawnServiceMap, options: ServiceMapOptions): ServiceMapLayout {
    const fs = options.fontSize;
    const layout = layoutServiceMap(map, {
      width: options.width,
      fontSize: fs,
      foldable: options.foldable,
    });
    // An open namespace of two boxes or more folds again when its group is pressed.
    const folds = (ns: string) =>
      options.foldable && layout.boxes.filter((b) => b.namespace === ns).length > 1;
    const small = fs * 0.85;
    // The drawing scales with its box (the drawer's width changes before the next layout).
    root
      .attr('viewBox', `0 0 ${layout.width} ${layout.height}`)
      .attr('width', layout.width)
      .attr('height', layout.height)
      // With an edge selected, the other lines step back (their labels stay as they are).
      .attr('data-selection', String(options.selected !== null));

    groupsLayer
      .selectAll<SVGGElement, (typeof layout.groups)[number]>('g.sm-group')
      .data(layout.groups, (g) => g.namespace)
      .join((enter) => {
        const g = enter
          .append('g')
          .attr('class', 'sm-group')
          .on('click', (_event, d) => {
            if (folds(d.namespace)) onToggleNamespace(d.namespace);
          })
          .on(
            'keydown',
            onPress((d: (typeof layout.groups)[number]) => {
              if (folds(d.namespace)) onToggleNamespace(d.namespace);
            }),
          );
        g.append('title');
        g.append('rect');
        g.append('text').attr('class', 'sm-group-label');
        return g;
      })
      .attr('role', (d) => (folds(d.namespace) ? 'button' : null))
      .attr('tabindex', (d) => (folds(d.namespace) ? 0 : null))
      .attr('aria-expanded', (d) => (folds(d.namespace) ? 'true' : null))
      .attr('aria-label', (d) =>
        folds(d.namespace) ? `namespace ${d.namespace}, open: fold it into one box` : null,
      )
      .call((g) => {
        g.select('title').text((d) => `namespace ${d.namespace}`);
        g.select('rect')
          .attr('x', (d) => d.box.x)
          .attr('y', (d) => d.box.y)
          .attr('width', (d) => d.box.width)
          .attr('height', (d) => d.box.height)
          .attr('rx', fs * 0.4);
        g.select('text')
          .attr('x', (d) => d.box.x + fs * 0.5)
          .attr('y', (d) => d.box.y + fs * 1.15)
          .attr('font-size', small)
          .text((d) => d.label);
      });

    const podsOf = new Map(map.boxes.map((b) => [b.id, b.pods]));
    boxesLayer
      .selectAll<SVGGElement, (typeof layout.boxes)[number]>('g.sm-box')
      .data(layout.boxes, (b) => b.id)
      .join((enter) => {
        const g = enter
          .append('g')
          .attr('class', 'sm-box')
          .on('click', (_event, b) => {
            if (b.kind === 'namespace') onToggleNamespace(b.namespace!);
          })
          .on(
            'keydown',
            onPress((b: LaidMapBox) => {
              if (b.kind === 'namespace') onToggleNamespace(b.namespace!);
            }),
          );
        g.append('title');
        g.append('rect');
        g.append('text').attr('class', 'sm-box-name');
        g.append('text').attr('class', 'sm-box-detail');
        return g;
      })
      .attr('data-kind', (b) => b.kind)
      .attr('data-box', (b) => b.id)
      .attr('role', (b) => (b.kind === 'namespace' ? 'button' : null))
      .attr('tabindex', (b) => (b.kind === 'namespace' ? 0 : null))
      .attr('aria-expanded', (b) => (b.kind === 'namespace' ? 'false' : null))
      .attr('aria-label', (b) =>
        b.kind === 'namespace' ? `${b.title}, folded: ${b.detailInFull}; open it` : null,
      )
      .call((g) => {
        g.select('title').text((b) => {
          const pods = podsOf.get(b.id) ?? [];
          if (pods.length > 0) return `${b.title}: ${pods.join(', ')}`;
          if (b.kind === 'namespace')
            return `${b.title}: ${b.detailInFull}, folded into one box; click to open it`;
          return `${b.title}${TITLE_NOTE[b.kind] ?? ''}`;
        });
        g.select('rect')
          .attr('x', (b) => b.box.x)
          .attr('y', (b) => b.box.y)
          .attr('width', (b) => b.box.width)
          .attr('height', (b) => b.box.height)
          .attr('rx', fs * 0.3);
        g.select('.sm-box-name')
          .attr('x', (b) => b.box.x + fs * 0.5)
          .attr('y', (b) => b.box.y + b.box.height / 2)
          .attr('dy', '0.35em')
          .attr('font-size', fs)
          .text((b) => b.name);
        g.select('.sm-box-detail')
          .attr('x', (b) => b.box.x + b.box.width - fs * 0.5)
          .attr('y', (b) => b.box.y + b.box.height / 2)
          .attr('dy', '0.35em')
          .attr('text-anchor', 'end')
          .attr('font-size', small)
          .text((b) => b.detail);
      });

    edgesLayer
      .selectAll<SVGGElement, LaidMapEdge>('g.sm-edge')
      .data(layout.edges, (e) => e.id)
      .join((enter) => {
        const g = enter
          .append('g')
          .attr('class', 'sm-edge')
          .attr('tabindex', 0)
          .attr('role', 'button')
          .on('click', (_event, e) => onSelect(e.id))
          .on(
            'keydown',
            onPress((e: LaidMapEdge) => onSelect(e.id)),
          );
        g.append('path').attr('class', 'sm-hit');
        g.append('path').attr('class', 'sm-line');
        return g;
      })
      .attr('data-edge', (e) => e.id)
      .attr('data-verdict', (e) => e.verdict)
      .attr('aria-label', (e) => edgeName(map, e.id))
      .attr('aria-pressed', (e) => String(e.id === options.selected))
      .call((g) => {
        g.select('.sm-hit')
          .attr('d', (e) => e.d)
          .attr('stroke-width', fs * 0.8);
        g.select('.sm-line')
          .attr('d', (e) => e.d)
          .attr('class', (e) => `sm-line sm-${e.verdict}`)
          .attr('marker-end', (e) => `url(#${prefix}-arrow-${e.verdict})`);
      });

    labelsLayer
      .selectAll<SVGGElement, LaidMapEdge>('g.sm-edge-label')
      .data(layout.edges, (e) => e.id)
      .join((enter) => {
        const g = enter
          .append('g')
          .attr('class', 'sm-edge-label')
          .on('click', (_event, e) => onSelect(e.id));
        g.append('text').attr('class', 'sm-mark');
        g.append('rect').attr('class', 'sm-label-bg');
        g.append('text').attr('class', 'sm-label');
        return g;
      })
      .attr('data-edge', (e) => e.id)
      .attr('data-selected', (e) => String(e.id === options.selected))
      .call((g) => {
        // A drop's ✕ where the line has no label to say it (placed by the layout).
        g.select('.sm-mark')
          .attr('x', (e) => e.mark?.x ?? 0)
          .attr('y', (e) => e.mark?.y ?? 0)
          .attr('dy', '0.35em')
          .attr('text-anchor', 'middle')
          .attr('font-size', small)
          .attr('class', (e) => `sm-mark sm-${e.verdict}`)
          .text((e) => (e.mark ? '✕' : ''));
        g.select('.sm-label-bg')
          .attr('display', (e) => (e.label ? null : 'none'))
          .attr('x', (e) => e.label?.box.x ?? 0)
          .attr('y', (e) => e.label?.box.y ?? 0)
          .attr('width', (e) => e.label?.box.width ?? 0)
          .attr('height', (e) => e.label?.box.height ?? 0)
          .attr('rx', fs * 0.25);
        g.select('.sm-label')
          .attr('x', (e) => (e.label ? e.label.box.x + e.label.box.width / 2 : 0))
          .attr('y', (e) => (e.label ? e.label.box.y + e.label.box.height / 2 : 0))
          .attr('dy', '0.35em')
          .attr('text-anchor', 'middle')
          .attr('font-size', small)
          .attr('class', (e) => `sm-label sm-${e.verdict}`)
          .text((e) => e.label?.text ?? '');
      });
    return layout;
  }

  return {
    update,
    destroy() {
      root.selectAll('*').remove();
    },
  };
}
