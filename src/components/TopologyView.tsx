/**
 * A CNI panel's drawing: the cluster as the scene describes it, and the packet at hop `index` of
 * the walk. React owns the <svg> and the tool row above it; the d3 topology (viz/topology.ts) owns
 * the <g> it adds, and moves the packet itself with requestAnimationFrame, so stepping never
 * re-renders per frame. The SVG draws in CSS pixels (viewBox = measured size), and is that size
 * (or its box, if larger): when the box shrinks (the drawer opens beside it) the drawing is clipped,
 * not scaled, until the new size is measured. (Scaled, every label is shaped again at the new
 * scale: a layout of tens of milliseconds in the task that opened the drawer.)
 */
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { drawQueue } from './drawQueue';
import type { Hop } from '../datapath/hop';
import { placeHop } from '../scene/place';
import type { Scene } from '../scene/scene';
import { hopDuration } from '../machines/timeline';
import { selectPresenting, useAppStore, usePlaybackPace } from '../store';
import { createTopology, type PlaceHop, type Size, type Topology } from '../viz/topology';
import { useD3Behaviour } from './hooks/useD3Behaviour';
import { useReducedMotion } from './hooks/useReducedMotion';
import { useSize } from './hooks/useSize';
import './TopologyView.css';

export interface TopologyViewHandle {
  zoomBy(k: number): void;
  resetZoom(): void;
}

export interface TopologyViewProps {
  readonly label: string;
  readonly scene: Scene | null;
  readonly hops: readonly Hop[];
  readonly index: number;
  /** The walk's drop reason, shown on the drop marker. */
  readonly dropReason?: string;
  readonly onSelectPod?: (podKey: string) => void;
  /**
   * Multiplies the drawing's fonts and sizes. Unset: 16/11 in presenter mode (labels ≥ 16 px for
   * the room), else 1.
   */
  readonly fontScale?: number;
  /** Where a hop is drawn (datapath's placeHop; later the walk's own `hop.place`). */
  readonly place?: PlaceHop;
  readonly ref?: Ref<TopologyViewHandle>;
}

/** Used until the panel has been measured (and in jsdom, which measures nothing). */
export const DEFAULT_SIZE: Size = { width: 640, height: 360 };
const ZOOM_STEP = 1.25;
/** Presenter mode's labels: 16 px where the walk view draws 11. */
export const PRESENTER_FONT_SCALE = 16 / 11;

/** How long the packet takes to reach the next hop: well inside one hop of the timeline's clock. */
export function moveDuration(speed = 1, playing = false): number {
  const tick = hopDuration(speed);
  return Math.round(playing ? tick * 0.6 : Math.min(700, tick * 0.5));
}

export function TopologyView({
  label,
  scene,
  hops,
  index,
  dropReason,
  onSelectPod,
  fontScale: fontScaleProp,
  place = placeHop,
  ref,
}: TopologyViewProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const selectRef = useRef(onSelectPod);
  const size = useSize(boxRef, DEFAULT_SIZE);
  const reducedMotion = useReducedMotion();
  const [whole, setWhole] = useState(false);
  const presenting = useAppStore(selectPresenting);
  const fontScale = fontScaleProp ?? (presenting ? PRESENTER_FONT_SCALE : 1);
  // The timeline's speed, so a faster clock moves the packet faster too.
  const { speed, playing } = usePlaybackPace();

  useEffect(() => {
    selectRef.current = onSelectPod;
  }, [onSelectPod]);

  const topologyRef = useD3Behaviour<SVGSVGElement, Topology>(
    svgRef,
    (svg) =>
      createTopology({
        svg,
        placeHop: place,
        onSelectPod: (key) => selectRef.current?.(key),
      }),
    [place],
  );

  useEffect(() => {
    topologyRef.current?.setView({ whole, fontScale });
  }, [topologyRef, whole, fontScale, place]);

  useEffect(() => {
    // The walk too: a new scene is laid out once, around the walk the next effect shows. Through
    // the draw queue: the other CNI panel's layout of a large scene, in the same commit, waits for
    // a task of its own (drawQueue.ts).
    drawQueue.run(
      topologyRef,
      () => topologyRef.current?.update(scene, size, hops),
      scene !== null,
    );
    // Only a new scene or size lays out again; a new walk refocuses in showPacket.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [topologyRef, scene, size, place]);

  useEffect(() => {
    const opts = {
      reducedMotion,
      durationMs: moveDuration(speed, playing),
      ...(dropReason !== undefined ? { dropReason } : {}),
    };
    drawQueue.run(topologyRef, () => topologyRef.current?.showPacket(hops, index, opts), false);
    // Only a new walk or step moves the packet; speed and playing only shape the next move.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hops, index, scene, size, reducedMotion, dropReason, place]);

  useImperativeHandle(
    ref,
    () => ({
      zoomBy: (k) => topologyRef.current?.zoomBy(k),
      resetZoom: () => topologyRef.current?.resetZoom(),
    }),
    [topologyRef],
  );

  return (
    <div className="topology-view" data-cni={scene?.cni}>
      {scene !== null && (
        <div className="topology-tools" role="group" aria-label={`${label} zoom`}>
          <button
            type="button"
            aria-pressed={whole}
            title="Draw every node and pod instead of the packet's path"
            onClick={() => setWhole((w) => !w)}
          >
            Whole cluster
          </button>
          <button
            type="button"
            aria-label={`Zoom in on the ${label}`}
            onClick={() => topologyRef.current?.zoomBy(ZOOM_STEP)}
          >
            +
          </button>
          <button
            type="button"
            aria-label={`Zoom out of the ${label}`}
            onClick={() => topologyRef.current?.zoomBy(1 / ZOOM_STEP)}
          >
            −
          </button>
          <button
            type="button"
            aria-label={`Fit the ${label}`}
            onClick={() => topologyRef.current?.resetZoom()}
          >
            ⤢
          </button>
        </div>
      )}
      <div className="topology-canvas" ref={boxRef}>
        <svg
          ref={svgRef}
          role="figure"
          aria-label={label}
          width={size.width}
          height={size.height}
          viewBox={`0 0 ${size.width} ${size.height}`}
          preserveAspectRatio="xMinYMin meet"
        />
        {scene === null && <p className="empty-state">No scenario loaded yet.</p>}
      </div>
    </div>
  );
}
