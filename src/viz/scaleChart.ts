/**
 * The O(N) vs O(1) chart (issue 15): one d3 line chart of counts against the number of policies,
 * drawn into the `<svg>` it is given (`createScaleChart({ svg }) -> { update, destroy }`). Both
 * axes are linear, so linear growth reads as a straight line and constant cost as a flat one. Every
 * series is named at its last point in words (and its number), so no reader needs the colours;
 * a quoted series is dashed with hollow marks. Sizes come from the CSS font size, so the projector
 * theme's larger type grows the chart's text too.
 */
import { axisBottom, axisLeft, format, line, scaleLinear, select } from 'd3';
import { abbreviate, textWidth } from './text';

export interface ScalePoint {
  readonly x: number;
  readonly y: number;
}

export interface ScaleSeries {
  readonly id: string;
  /** Drawn at the series' end, e.g. `Calico iptables rules tested`. */
  readonly label: string;
  /** Drawn instead when the label does not fit the plot's width (a narrow drawer, large type). */
  readonly shortLabel?: string;
  /** Which CNI's colour (`--calico` / `--cilium`). */
  readonly cni: 'calico' | 'cilium';
  readonly points: readonly ScalePoint[];
  /** A figure quoted from an article, not measured: dashed, hollow marks. */
  readonly quoted?: boolean;
  /** A second series of the same CNI: a dotted line, square marks. */
  readonly secondary?: boolean;
}

export interface ScaleChartData {
  readonly xLabel: string;
  readonly yLabel: string;
  /** The x axis end (the sweep's largest count), so a partial sweep keeps its axis. */
  readonly xMax: number;
  readonly series: readonly ScaleSeries[];
  /** How a y value reads at a label (default: thousands separators). */
  readonly yFormat?: (y: number) => string;
}

export interface ScaleChartSize {
  readonly width: number;
  readonly height: number;
  /** The root font size in px (16, or 20 in the projector theme). */
  readonly fontSize: number;
}

const count = format(',');
const short = (n: number) => (Math.abs(n) >= 1000 ? `${n / 1000}k` : String(n));

/** Pushes labels apart vertically (sorted by y) so no two overlap; returns their y by index. */
export function spreadLabels(
  ys: readonly number[],
  gap: number,
  top: number,
  bottom: number,
): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y);
  const placed = order.map((o) => o.y);
  for (let k = 1; k < placed.length; k++) placed[k] = Math.max(placed[k]!, placed[k - 1]! + gap);
  // Too low at the bottom: shift the stack up, keeping the gaps.
  const over = (placed.at(-1) ?? 0) - bottom;
  if (over > 0) for (let k = 0; k < placed.length; k++) placed[k] = placed[k]! - over;
  for (let k = 0; k < placed.length; k++) placed[k] = Math.max(placed[k]!, top + k * gap);
  const out: number[] = new Array<number>(ys.length);
  order.forEach((o, k) => (out[o.i] = placed[k]!));
  return out;
}

export function createScaleChart({ svg }: { svg: SVGSVGElement }) {
  const root = select(svg);
  const plot = root.append('g').attr('class', 'scale-plot');
  const xAxis = plot.append('g').attr('class', 'scale-axis scale-axis-x');
  const yAxis = plot.append('g').attr('class', 'scale-axis scale-axis-y');
  const xTitle = plot.append('text').attr('class', 'scale-axis-title');
  const yTitle = plot.append('text').attr('class', 'scale-axis-title');
  const lines = plot.append('g').attr('class', 'scale-lines');
  const labels = plot.append('g').attr('class', 'scale-labels');

  function update(data: ScaleChartData, size: ScaleChartSize): void {
    const fs = size.fontSize * 0.8;
    const margin = { top: fs * 1.2, right: fs * 0.8, bottom: fs * 3.4, left: fs * 4 };
    const w = Math.max(10, size.width - margin.left - margin.right);
    const h = Math.max(10, size.height - margin.top - margin.bottom);
    root
      .attr('viewBox', `0 0 ${size.width} ${size.height}`)
      .attr('width', size.width)
      .attr('height', size.height);
    plot.attr('transform', `translate(${margin.left},${margin.top})`);

    const x = scaleLinear()
      .domain([0, Math.max(1, data.xMax)])
      .range([0, w]);
    const yMax = Math.max(1, ...data.series.flatMap((s) => s.points.map((p) => p.y)));
    const y = scaleLinear().domain([0, yMax]).nice().range([h, 0]);
    const yOf = (v: number) => y(v);

    // Few ticks: a narrow drawer and the projector's type have room for four or five.
    xAxis.attr('transform', `translate(0,${h})`).call(
      axisBottom(x)
        .ticks(w < 260 ? 2 : 4)
        .tickFormat((d) => short(Number(d))),
    );
    yAxis.call(
      axisLeft(y)
        .ticks(4)
        .tickFormat((d) => short(Number(d))),
    );
    root.selectAll('.scale-axis text').attr('font-size', fs);
    xTitle
      .attr('x', w / 2)
      .attr('y', h + fs * 2.9)
      .attr('text-anchor', 'middle')
      .attr('font-size', fs)
      .text(data.xLabel);
    yTitle
      .attr('transform', `translate(${-margin.left + fs},${h / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('font-size', fs)
      .text(data.yLabel);

    const path = line<ScalePoint>()
      .x((p) => x(p.x))
      .y((p) => yOf(p.y));
    const series = lines
      .selectAll<SVGGElement, ScaleSeries>('g.scale-series')
      .data(data.series, (s) => s.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'scale-series');
        g.append('path').attr('class', 'scale-line');
        return g;
      })
      .attr('data-series', (s) => s.id)
      .attr('data-cni', (s) => s.cni)
      .classed('quoted', (s) => s.quoted === true)
      .classed('secondary', (s) => s.secondary === true);
    series.select('path').attr('d', (s) => path([...s.points]) ?? '');
    series
      .selectAll<SVGElement, ScalePoint>('.scale-mark')
      .data((s) => s.points.map((p) => ({ ...p, square: s.secondary === true })))
      .join((enter) => enter.append('path').attr('class', 'scale-mark'))
      .attr('transform', (p) => `translate(${x(p.x)},${yOf(p.y)})`)
      .attr('d', (p) => {
        const r = fs * 0.3;
        return p.square
          ? `M${-r},${-r}h${2 * r}v${2 * r}h${-2 * r}z`
          : `M${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
      });

    // Labels at each series' last point, right-aligned inside the plot, spread apart.
    const fmt = data.yFormat ?? ((v: number) => count(v));
    const ends = data.series.filter((s) => s.points.length > 0);
    const at = spreadLabels(
      ends.map((s) => yOf(s.points.at(-1)!.y) - fs * 0.6),
      fs * 1.25,
      fs * 0.4,
      h - fs * 0.4,
    );
    labels
      .selectAll<SVGTextElement, ScaleSeries>('text')
      .data(ends, (s) => s.id)
      .join('text')
      .attr('class', 'scale-label')
      .attr('data-cni', (s) => s.cni)
      .attr('font-size', fs)
      // Clear of the last mark, inside the plot.
      .attr('x', (s) => Math.min(w, x(s.points.at(-1)!.x)) - fs * 0.5)
      .attr('y', (_, i) => at[i]!)
      .attr('text-anchor', 'end')
      .text((s) => {
        const value = `: ${fmt(s.points.at(-1)!.y)}`;
        const room = w - textWidth(value, fs);
        const name = textWidth(s.label, fs) <= room ? s.label : (s.shortLabel ?? s.label);
        return `${abbreviate(name, room, fs)}${value}`;
      });
  }

  return {
    update,
    destroy(): void {
      plot.remove();
    },
  };
}

export type ScaleChart = ReturnType<typeof createScaleChart>;
