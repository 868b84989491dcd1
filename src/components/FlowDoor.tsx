/**
 * What a flow opens (issue 17): its packet walked in the picture (the inspector then says why and
 * offers the fix for a drop), or its dataplane rows for that CNI. Shared by the Hubble list, the
 * Calico flow logs and the service map. "Why and fix" walks it with the inspector in view, which
 * says why each CNI decided so and offers the smallest fix for a drop (engine/explain.ts, fix.ts).
 */
import { useCallback } from 'react';
import type { PacketSpec } from '../datapath/packet';
import type { Cni } from '../engine/model';
import { selectPanels, useAppActions, useAppStore } from '../store';
import { useDrawer } from './Drawer';
import { usePlayWalk } from './usePlayWalk';

export function FlowDoor({ cni, packet }: { readonly cni: Cni; readonly packet: PacketSpec }) {
  const playWalk = usePlayWalk();
  const panels = useAppStore(selectPanels);
  const { togglePanel, showDataplane } = useAppActions();
  const drawer = useDrawer();
  const walkIt = useCallback(() => playWalk(packet), [playWalk, packet]);
  const why = useCallback(() => {
    playWalk(packet);
    if (panels.includes('inspector')) drawer.show('inspector');
    else togglePanel('inspector');
  }, [playWalk, packet, panels, drawer, togglePanel]);
  const rows = useCallback(() => {
    playWalk(packet);
    showDataplane(cni, null);
    if (panels.includes('dataplane')) drawer.show('dataplane');
    else togglePanel('dataplane');
  }, [playWalk, packet, showDataplane, cni, panels, drawer, togglePanel]);
  return (
    <div className="flow-door">
      <button type="button" onClick={walkIt}>
        Walk this packet
      </button>
      <button type="button" onClick={rows}>
        Dataplane rows
      </button>
      {!packet.reply && (
        <button
          type="button"
          onClick={why}
          title="The walk's inspector: why, and the fix for a drop"
        >
          Why and fix
        </button>
      )}
    </div>
  );
}
