// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineSession } from '../engine/api';
import { podKey } from '../engine/cluster';
import { clusterView } from '../engine/clusterView';
import { generateCluster } from '../engine/generate';
import { createAppStore, StoreProvider } from '../store';
import { PacketComposer } from './PacketComposer';
import { Popover } from './Popover';

afterEach(cleanup);

const cluster = clusterView(
  createEngineSession().api.load([
    {
      name: 'gen.yaml',
      text: generateCluster({
        pods: 120,
        nodes: 3,
        namespaces: 6,
        policies: 10,
        mix: { k8s: 100, cilium: 0, calico: 0 },
        seed: 3,
      }),
    },
  ]).cluster!,
);
const pods = cluster.pods.map(podKey);
const target = cluster.pods.find((p) => p.ports.length > 0)!;

function renderComposer(inPopover: boolean) {
  const store = createAppStore();
  act(() => {
    store.getState().setEngineData({ cluster });
    store.getState().setPacket({
      from: pods[5]!,
      to: podKey(target),
      port: target.ports[0]!.port,
      protocol: target.ports[0]!.protocol,
    });
  });
  render(
    <StoreProvider store={store}>
      {inPopover ? (
        <Popover label="Packet" summary="the packet">
          <PacketComposer />
        </Popover>
      ) : (
        <PacketComposer />
      )}
    </StoreProvider>,
  );
  return store;
}

const source = () => screen.getByLabelText<HTMLSelectElement>('Source');
const destination = () => screen.getByLabelText<HTMLSelectElement>('Destination');

describe('PacketComposer: the pod lists', () => {
  it('in a closed popover, holds only the packet’s own pods; all of them once opened', async () => {
    const store = renderComposer(true);
    expect([...source().options].map((o) => o.value)).toEqual([pods[5]]);
    expect(source().value).toBe(pods[5]);
    expect(destination().value).toBe(podKey(target));
    // Services and outside addresses are few: always there.
    expect(destination().querySelectorAll('optgroup[label="Pods"] option')).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: /Packet/ }));
    await waitFor(() => expect(source().options).toHaveLength(pods.length));
    expect([...source().options].map((o) => o.value)).toEqual(pods);
    expect(destination().querySelectorAll('optgroup[label="Pods"] option')).toHaveLength(
      pods.length,
    );
    fireEvent.change(source(), { target: { value: pods[77] } });
    expect(store.getState().view.packet?.from).toBe(pods[77]);

    // Closed again, the lists stay (a choice made in them survives).
    fireEvent.click(screen.getByRole('button', { name: /Packet/ }));
    expect(source().options).toHaveLength(pods.length);
    expect(source().value).toBe(pods[77]);
  });

  it('outside a popover, lists every pod', async () => {
    renderComposer(false);
    await waitFor(() => expect(source().options).toHaveLength(pods.length));
  });
});
