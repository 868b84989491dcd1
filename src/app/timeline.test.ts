import { afterEach, describe, expect, it } from 'vitest';
import { walk } from '../datapath/walk';
import { createTimeline, isPlaying, type TimelineActor } from '../machines/timeline';
import { createAppStore, type AppStore, type PacketChoice } from '../store';
import { calico, cilium, engineFor } from '../test/scenarios';
import { bindTimeline, shownMaxStep } from './timeline';

const engine = engineFor('two-node-basic.yaml');
const packet: PacketChoice = {
  from: 'default/pod-a',
  to: 'default/pod-c',
  port: 80,
  protocol: 'TCP',
};
const other: PacketChoice = { ...packet, to: 'default/pod-b' };
const walksOf = (p: PacketChoice) => ({
  calico: { ok: true as const, result: walk(engine, calico(), p) },
  cilium: { ok: true as const, result: walk(engine, cilium(), p) },
});

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

function bound(): { store: AppStore; timeline: TimelineActor } {
  const store = createAppStore();
  const timeline = createTimeline();
  stops.push(bindTimeline(store, timeline), () => timeline.stop());
  return { store, timeline };
}

/** The packet chosen, then its walks arriving, as the controller does it. */
function walkPacket(store: AppStore, p: PacketChoice) {
  store.getState().setPacket(p);
  const walks = walksOf(p);
  store.getState().setEngineData({ walks });
  return walks;
}

describe('the timeline bound to the view', () => {
  it('takes its length from the longest walk on screen', () => {
    const { store, timeline } = bound();
    expect(timeline.getSnapshot().context.maxStep).toBeNull();
    const walks = walkPacket(store, packet);
    const longest = Math.max(walks.calico.result.hops.length, walks.cilium.result.hops.length);
    expect(timeline.getSnapshot().context.maxStep).toBe(longest - 1);
    store.getState().setLayout('calico');
    expect(timeline.getSnapshot().context.maxStep).toBe(walks.calico.result.hops.length - 1);
    expect(shownMaxStep(store.getState())).toBe(walks.calico.result.hops.length - 1);
  });

  it('writes its step to the view (and so the URL), and follows a step set in the view', () => {
    const { store, timeline } = bound();
    walkPacket(store, packet);
    timeline.send({ type: 'STEP' });
    timeline.send({ type: 'STEP' });
    expect(store.getState().view.step).toBe(2);
    store.getState().setStep(1);
    expect(timeline.getSnapshot().context.step).toBe(1);
    timeline.send({ type: 'RESET' });
    expect(store.getState().view.step).toBe(0);
  });

  it('keeps a step a link asks for until the walk arrives, then clamps it to the walk', () => {
    const { store, timeline } = bound();
    // A lesson step that says "the last hop" as 20, set before its walk exists.
    store.getState().setPacket(packet);
    store.getState().setStep(20);
    expect(timeline.getSnapshot().context.step).toBe(20);
    expect(store.getState().view.step).toBe(20);
    const walks = walksOf(packet);
    store.getState().setEngineData({ walks });
    const last = Math.max(walks.calico.result.hops.length, walks.cilium.result.hops.length) - 1;
    expect(timeline.getSnapshot().context.step).toBe(last);
    expect(store.getState().view.step).toBe(last);
  });

  it('does not clamp a new view’s step to the walk of the old one', () => {
    const { store, timeline } = bound();
    walkPacket(store, other);
    const shortLast = timeline.getSnapshot().context.maxStep!;
    const walks = walksOf(packet);
    const longLast = Math.max(walks.calico.result.hops.length, walks.cilium.result.hops.length) - 1;
    expect(longLast).toBeGreaterThan(shortLast);
    store.getState().setView({ ...store.getState().view, packet, step: longLast });
    expect(store.getState().view.step).toBe(longLast);
    store.getState().setEngineData({ walks });
    expect(timeline.getSnapshot().context.step).toBe(longLast);
  });

  it('pauses when a new packet is chosen', () => {
    const { store, timeline } = bound();
    walkPacket(store, packet);
    timeline.send({ type: 'PLAY' });
    expect(isPlaying(timeline.getSnapshot())).toBe(true);
    walkPacket(store, other);
    expect(isPlaying(timeline.getSnapshot())).toBe(false);
    expect(store.getState().view.step).toBe(0);
  });
});
