import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing';
import {
  checkLink,
  exportFileName,
  fileSlug,
  MAX_SHARE_URL_LENGTH,
  walksFile,
} from '../components/shareExport';
import { walk } from '../datapath/walk';
import { calico, cilium, engineFor } from './scenarios';

const PACKET = { from: 'shop/frontend', to: 'shop/api', port: 8080, protocol: 'TCP' } as const;

describe('walk export', () => {
  it('writes each CNI walk exactly as `cli walk --json` prints it', () => {
    const engine = engineFor('seed-policies.yaml');
    const walks = [
      { cni: 'calico' as const, result: walk(engine, calico({ encap: 'vxlan' }), PACKET) },
      { cni: 'cilium' as const, result: walk(engine, cilium(), PACKET) },
    ];
    const file = JSON.parse(walksFile('seed-policies', walks)) as {
      scenario: string;
      walks: unknown[];
    };
    expect(file.scenario).toBe('seed-policies');
    const cli = (cni: string, ...flags: string[]) => {
      const r = runCli([
        'walk',
        'lessons/scenarios/seed-policies.yaml',
        '--cni',
        cni,
        '--from',
        PACKET.from,
        '--to',
        PACKET.to,
        '--port',
        '8080',
        ...flags,
        '--json',
      ]);
      expect(r.code).toBe(0);
      return r.out;
    };
    const calicoOut = cli('calico', '--calico-encap', 'vxlan');
    // Byte for byte: the CLI's line is the app's entry, stringified.
    expect(JSON.stringify(file.walks[0])).toBe(calicoOut);
    expect(JSON.stringify(file.walks[1])).toBe(cli('cilium'));
    expect((file.walks[0] as { hops: unknown[] }).hops.length).toBeGreaterThan(3);
    expect(calicoOut).toContain('"vni":');
  });
});

describe('file names', () => {
  it('names the scenario, what is in the file and the date', () => {
    const d = new Date(2026, 11, 3, 9, 5);
    expect(exportFileName('seed-policies', '', 'yaml', d)).toBe(
      'packetwalk-seed-policies-2026-12-03.yaml',
    );
    expect(exportFileName('seed-policies', 'matrix', 'csv', d)).toBe(
      'packetwalk-seed-policies-matrix-2026-12-03.csv',
    );
    expect(exportFileName('03-across-nodes/cluster.yaml', 'step-4', 'png', d)).toBe(
      'packetwalk-03-across-nodes-cluster-step-4-2026-12-03.png',
    );
  });

  it('keeps names safe and short', () => {
    expect(fileSlug('gen:p1000-n10/../x')).toBe('gen-p1000-n10-x');
    expect(fileSlug('///')).toBe('scenario');
    expect(fileSlug('a'.repeat(200)).length).toBe(60);
  });
});

describe('checkLink', () => {
  const at = (n: number) => `http://localhost/#/walk?yaml=${'x'.repeat(n - 29)}`;

  it('shares a link up to the limit', () => {
    const link = at(MAX_SHARE_URL_LENGTH);
    expect(link.length).toBe(MAX_SHARE_URL_LENGTH);
    expect(checkLink(link, null)).toEqual({ fits: true, link });
  });

  it('refuses a longer one and offers the link without the edits when that fits', () => {
    const long = at(MAX_SHARE_URL_LENGTH + 1);
    expect(checkLink(long, 'http://localhost/#/walk?scenario=seed-policies')).toEqual({
      fits: false,
      length: MAX_SHARE_URL_LENGTH + 1,
      withoutEdits: 'http://localhost/#/walk?scenario=seed-policies',
    });
    expect(checkLink(long, null)).toMatchObject({ fits: false, withoutEdits: null });
    expect(checkLink(long, at(9000))).toMatchObject({ fits: false, withoutEdits: null });
  });

  it('refuses a short link whose edited text is too long for any link (the URL left it out)', () => {
    const plain = 'http://localhost/#/walk?scenario=seed-policies';
    expect(checkLink(plain, plain, 3_400_000)).toEqual({
      fits: false,
      length: plain.length,
      withoutEdits: plain,
      textLength: 3_400_000,
    });
  });
});
