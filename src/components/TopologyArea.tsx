import { useEffect, useRef } from 'react';
import { createTopology, type Topology, type TopologyNode } from '../viz/topology';

const SIZE = { width: 640, height: 360 };

/**
 * The panel's drawing surface. React owns the <svg>; the d3 topology owns the <g> it adds to it.
 * With no scenario loaded it says so instead of drawing anything made up.
 */
export function TopologyArea({ label, nodes }: { label: string; nodes: readonly TopologyNode[] }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const topologyRef = useRef<Topology | null>(null);

  useEffect(() => {
    const topology = createTopology({ svg: svgRef.current! });
    topologyRef.current = topology;
    return () => {
      topology.destroy();
      topologyRef.current = null;
    };
  }, []);

  useEffect(() => {
    topologyRef.current?.update(nodes, SIZE);
  }, [nodes]);

  return (
    <div className="topology-area">
      <svg
        ref={svgRef}
        role="img"
        aria-label={label}
        viewBox={`0 0 ${SIZE.width} ${SIZE.height}`}
        preserveAspectRatio="xMidYMid meet"
      />
      {nodes.length === 0 && <p className="empty-state">No scenario loaded yet.</p>}
    </div>
  );
}
