import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { DataplaneDump } from '../../datapath/dataplaneDump';
import { DumpBuilder } from '../../engine/dumpLines';
import type { ProbeVerdict } from '../../engine/verdict';
import { createDataplaneSlice, type DataplaneSlice } from './dataplaneSlice';

/** A Calico dump of node-2 with one chain of the given rules. */
function dump(rules: string[], node = 'node-2'): DataplaneDump {
  const b = new DumpBuilder().open('filter/cali-pi-x', 'cali-pi-x', false);
  rules.forEach((r, i) => b.row(`filter/cali-pi-x/${i + 1}`, r));
  return { cni: 'calico', node, nodes: ['node-1', 'node-2'], lines: b.lines };
}

describe('dataplane slice: the Live diff’s bases', () => {
  it('keeps a dump’s base across edits, until Dismiss or another scenario', () => {
    const store = createStore<DataplaneSlice>()(createDataplaneSlice);
    const s = () => store.getState();
    const [seed, edit1, edit2, other] = [{}, {}, {}, {}];
    const first = dump(['-j A']);
    s().setDataplaneDump(first, seed, 'seed');
    expect(s().dataplaneBases['calico/node-2']).toMatchObject({ key: 'seed', cluster: seed });
    // Two edits: the base is still the dump before the first.
    s().setDataplaneDump(dump(['-j B']), edit1, 'seed');
    s().setDataplaneDump(dump(['-j C']), edit2, 'seed');
    expect(s().dataplaneBases['calico/node-2']!.value).toBe(first.lines);
    expect(s().dataplaneDumpCluster).toBe(edit2);
    // Dismiss: the dump shown is the base.
    s().dismissDataplaneDiff();
    expect(s().dataplaneBases['calico/node-2']).toEqual({
      key: 'seed',
      cluster: edit2,
      value: s().dataplaneDump!.lines,
    });
    // Another scenario: a new base.
    const next = dump(['-j D']);
    s().setDataplaneDump(next, other, 'two-node');
    expect(s().dataplaneBases['calico/node-2']).toEqual({
      key: 'two-node',
      cluster: other,
      value: next.lines,
    });
  });

  it('keeps the matrix before the edits, and Dismiss makes the one shown the base', () => {
    const store = createStore<DataplaneSlice>()(createDataplaneSlice);
    const s = () => store.getState();
    const [seed, edit] = [{}, {}];
    const before: ProbeVerdict[] = [];
    const after: ProbeVerdict[] = [];
    s().noteMatrix('seed|8080', seed, before);
    s().noteMatrix('seed|8080', edit, after);
    expect(s().matrixBase).toEqual({ key: 'seed|8080', cluster: seed, value: before });
    expect(s().matrixBase!.value).toBe(before);
    s().dismissMatrixDiff();
    expect(s().matrixBase!.cluster).toBe(edit);
    expect(s().matrixBase!.value).toBe(after);
    // Another port: a new base.
    s().noteMatrix('seed|null', edit, after);
    expect(s().matrixBase!.key).toBe('seed|null');
  });
});
