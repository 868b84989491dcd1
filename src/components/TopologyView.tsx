/**
 * A CNI panel's drawing: the cluster as the scene describes it, and the packet at hop `index` of
 * the walk. React owns the <svg>; the d3 topology (viz/topology.ts) owns the <g> it adds, and moves
 * the packet itself with requestAnimationFrame, so stepping never re-renders per frame.
 */
import { useEffect, useImperativeHandle, useRef, useState, type Ref, type RefObject } from 'react';
import type { Hop } from '../datapath/hop';
import { placeHop, type Scene } from '../datapath/scene';
import { hopDuration } from '../machines/timeline';
import { usePlaybackPace } from '../store';
import { createTopology, type Size, type Topology } from '../viz/topology';
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
  readonly ref?: Ref<TopologyViewHandle>;
}

/** Used until the panel has been measured (and in jsdom, which measures nothing). */
export const DEFAULT_SIZE: Size = { width: 640, height: 360 };
const ZOOM_STEP = 1.25;

/** How long the packet takes to reach the next hop: well inside one hop of the timeline's clock. */
export function moveDuration(speed = 1, playing = false): number {
  const tick = hopDuration(speed);
  return Math.round(playing ? tick * 0.6 : Math.min(700, tick * 0.5));
}

function useReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(
    () =>
      typeof window !== 'undefined' &&
      typeof window.matchMedia === 'function' &&
      window.matchMedia(query).matches,
  );
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const list = window.matchMedia(query);
    const onChange = () => setReduced(list.matches);
    list.addEventListener?.('change', onChange);
    return () => list.removeEventListener?.('change', onChange);
  }, []);
  return reduced;
}

function useSize(ref: RefObject<HTMLElement | null>): Size {
  const [size, setSize] = useState<Size>(DEFAULT_SIZE);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const width = Math.round(entry.contentRect.width);
      const height = Math.round(entry.contentRect.height);
      if (width > 0 && height > 0)
        setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

export function TopologyView({
  label,
  scene,
  hops,
  index,
  dropReason,
  onSelectPod,
  ref,
}: TopologyViewProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const topologyRef = useRef<Topology | null>(null);
  const selectRef = useRef(onSelectPod);
  const size = useSize(boxRef);
  const reducedMotion = useReducedMotion();
  // The timeline's speed, so a faster clock moves the packet faster too.
  const { speed, playing } = usePlaybackPace();

  useEffect(() => {
    selectRef.current = onSelectPod;
  }, [onSelectPod]);

  useEffect(() => {
    const topology = createTopology({
      svg: svgRef.current!,
      placeHop,
      onSelectPod: (key) => selectRef.current?.(key),
    });
    topologyRef.current = topology;
    return () => {
      topology.destroy();
      topologyRef.current = null;
    };
  }, []);

  useEffect(() => {
    topologyRef.current?.update(scene, size);
  }, [scene, size]);

  useEffect(() => {
    topologyRef.current?.showPacket(hops, index, {
      reducedMotion,
      durationMs: moveDuration(speed, playing),
      ...(dropReason !== undefined ? { dropReason } : {}),
    });
    // Only a new walk or step moves the packet; speed and playing only shape the next move.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hops, index, scene, size, reducedMotion, dropReason]);

  useImperativeHandle(
    ref,
    () => ({
      zoomBy: (k) => topologyRef.current?.zoomBy(k),
      resetZoom: () => topologyRef.current?.resetZoom(),
    }),
    [],
  );

  return (
    <div className="topology-view" ref={boxRef} data-cni={scene?.cni}>
      <svg
        ref={svgRef}
        role="img"
        aria-label={label}
        viewBox={`0 0 ${size.width} ${size.height}`}
        preserveAspectRatio="xMidYMid meet"
      />
      {scene === null ? (
        <p className="empty-state">No scenario loaded yet.</p>
      ) : (
        <div className="topology-zoom" role="group" aria-label={`${label} zoom`}>
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
    </div>
  );
}
