import { describe, expect, it } from 'vitest';
import { BASELINE } from '../engine/baseline';
import { runCli } from './testing';

const run = (argv: string[]) => runCli(argv);

describe('cli --help', () => {
  it('names the versions it models after the commands, and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = run([flag]);
      expect(r.code).toBe(0);
      expect(r.out).toContain('cli walk FILE.yaml');
      expect(r.out).toContain('Models Calico v3.32, Cilium 1.18, Kubernetes 1.33.');
      expect(r.out).toMatch(/other versions name some of them differently/);
      // The line is the shared baseline, not a copy of it.
      expect(r.out).toContain(`Calico ${BASELINE.calico}, Cilium ${BASELINE.cilium}`);
    }
  });

  it('prints the usage with the baseline on stdout and exits 2 without a command', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('Kubernetes 1.33');
  });
});
