import { useCallback, useEffect, useRef } from 'react';
import { type PacketChoice, useAppActions, useTimeline } from '../store';
import { useDrawer } from './Drawer';

/**
 * Sends a packet and plays its walk from the first hop, with the stage in view: the new walk comes
 * from the engine a moment later (the timeline's length is unknown until then), so Play is sent as
 * soon as the timeline can take it.
 */
export function usePlayWalk(): (packet: PacketChoice) => void {
  const setPacket = useAppActions().setPacket;
  const timeline = useTimeline();
  const drawer = useDrawer();
  const pending = useRef<{ unsubscribe(): void } | null>(null);
  useEffect(() => () => pending.current?.unsubscribe(), []);
  return useCallback(
    (packet: PacketChoice) => {
      pending.current?.unsubscribe();
      pending.current = null;
      setPacket(packet);
      drawer.uncover();
      const tryPlay = (): boolean => {
        if (!timeline.getSnapshot().can({ type: 'PLAY' })) return false;
        timeline.send({ type: 'PLAY' });
        return true;
      };
      if (tryPlay()) return;
      const subscription = timeline.subscribe(() => {
        if (!tryPlay()) return;
        subscription.unsubscribe();
        pending.current = null;
      });
      pending.current = subscription;
    },
    [setPacket, timeline, drawer],
  );
}
