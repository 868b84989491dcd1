import { describe, expect, it } from 'vitest';
import { pathLength, pointAlong, routePoints } from './packetPath';
import { layoutPath, pathFocus } from './pathLayout';
import { sceneIds } from '../test/sceneIds';
import { syntheticScene } from './testScene';

describe('routePoints', () => {
  const scene = syntheticScene({ nodes: 2, podsPerNode: 2, subnets: 1, tunnel: true });
  const layout = layoutPath(scene, pathFocus(scene, sceneIds(scene)), { width: 800, height: 400 });
  const [n1, n2] = layout.nodes;

  it('goes straight between two places of one node', () => {
    expect(routePoints(layout, 'pod:ns/pod-1-1', 'layer:node-1:iptables')).toEqual([
      layout.anchors['pod:ns/pod-1-1'],
      layout.anchors['layer:node-1:iptables'],
    ]);
  });

  it('leaves a node through its bottom and cable, and enters the next one the same way', () => {
    const points = routePoints(layout, 'layer:node-1:tunnel', 'layer:node-2:tunnel', [
      'segment:192.168.1.0/24',
    ]);
    expect(points).toEqual([
      layout.anchors['layer:node-1:tunnel'],
      n1!.exit,
      n1!.drop,
      layout.anchors['segment:192.168.1.0/24'],
      n2!.drop,
      n2!.exit,
      layout.anchors['layer:node-2:tunnel'],
    ]);
  });

  it('skips ids the layout does not know', () => {
    expect(routePoints(layout, 'nope', 'pod:ns/pod-1-1')).toEqual([
      layout.anchors['pod:ns/pod-1-1'],
    ]);
  });
});

describe('pointAlong', () => {
  const square = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
  ];
  it('walks the polyline by length', () => {
    expect(pathLength(square)).toBe(20);
    expect(pointAlong(square, 0)).toEqual({ x: 0, y: 0 });
    expect(pointAlong(square, 0.25)).toEqual({ x: 5, y: 0 });
    expect(pointAlong(square, 0.75)).toEqual({ x: 10, y: 5 });
    expect(pointAlong(square, 1)).toEqual({ x: 10, y: 10 });
    expect(pointAlong([{ x: 3, y: 4 }], 0.5)).toEqual({ x: 3, y: 4 });
  });
});
