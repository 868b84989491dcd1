/**
 * Share (issue 18): copy the link (the edited scenario rides in it, compressed), or, when that link
 * is too long to travel, the scenario as a file and the link without the edits; export the scenario
 * (YAML), the walk (JSON), the matrix (CSV, JSON) and the picture of the step (SVG, PNG).
 */
import './SharePopover.css';
import { useRef, useState } from 'react';
import { matrixCsv, matrixExportRows, matrixJson } from '../engine/matrixExport';
import { MATRIX_AGGREGATE_ABOVE } from '../engine/matrixData';
import type { Cni } from '../engine/model';
import { CNI_TITLE } from '../scene/words';
import {
  encodeView,
  selectCluster,
  selectGeneratedText,
  selectLayout,
  selectMatrix,
  selectMatrixPort,
  selectPanels,
  selectPacket,
  selectScenarioId,
  selectScenarioText,
  selectStep,
  selectWalks,
  useAppActions,
  useAppStore,
  useAppStoreApi,
} from '../store';
import { panelOf, pictureSvg, svgToPng } from '../viz/svgExport';
import type { ScenarioChoice } from './lessonSupport';
import { packetLine } from './packetChoice';
import { Popover } from './Popover';
import {
  checkLink,
  exportFileName,
  MAX_SHARE_URL_LENGTH,
  walksFile,
  type LinkCheck,
} from './shareExport';

/** Offers `blob` as a download named `name` (an <a download> clicked, its URL revoked after). */
function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const text = (body: string, type: string) => new Blob([body], { type: `${type};charset=utf-8` });

type LinkState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'copied'; readonly which: string }
  /** The clipboard was refused: the link to copy by hand. */
  | { readonly kind: 'manual'; readonly link: string }
  | (LinkCheck & { readonly fits: false; readonly kind: 'too-long' });

/** One export: a button, or the reason it cannot apply now. */
function ExportItem({
  label,
  reason,
  onExport,
}: {
  label: string;
  reason: string | null;
  onExport: () => void;
}) {
  const id = `share-why-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <li>
      <button
        type="button"
        disabled={reason !== null}
        aria-describedby={reason ? id : undefined}
        onClick={onExport}
      >
        {label}
      </button>
      {reason && (
        <span id={id} className="share-why">
          {reason}
        </span>
      )}
    </li>
  );
}

export function SharePopover({ scenarios }: { scenarios: readonly ScenarioChoice[] }) {
  const store = useAppStoreApi();
  const scenarioId = useAppStore(selectScenarioId);
  const edited = useAppStore(selectScenarioText);
  const generated = useAppStore(selectGeneratedText);
  const walks = useAppStore(selectWalks);
  const matrix = useAppStore(selectMatrix);
  const matrixPort = useAppStore(selectMatrixPort);
  const cluster = useAppStore(selectCluster);
  const panels = useAppStore(selectPanels);
  const layout = useAppStore(selectLayout);
  const packet = useAppStore(selectPacket);
  const step = useAppStore(selectStep);
  const { togglePanel } = useAppActions();
  const [link, setLink] = useState<LinkState>({ kind: 'idle' });
  const [problem, setProblem] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);

  // The text the engine loads (app/queries.ts scenarioText): the edit, else the built-in's, else
  // the generated cluster's.
  const yaml = edited ?? scenarios.find((s) => s.id === scenarioId)?.text ?? generated ?? '';
  const shown: Cni[] = layout === 'compare' ? ['calico', 'cilium'] : [layout];
  const shownWalks = shown.flatMap((cni) => {
    const w = walks[cni];
    return w?.ok ? [{ cni, result: w.result }] : [];
  });
  const name = (what: string, ext: string) => exportFileName(scenarioId, what, ext, new Date());

  const large = (cluster?.pods.length ?? 0) > MATRIX_AGGREGATE_ABOVE;
  const matrixReason = large
    ? `Over ${MATRIX_AGGREGATE_ABOVE} pods the matrix is grouped; export needs a smaller scenario.`
    : !panels.includes('matrix')
      ? 'Open the Matrix panel first.'
      : matrix === null
        ? 'The matrix is still being computed.'
        : null;
  const walkReason =
    shownWalks.length > 0
      ? null
      : packet
        ? 'The walk is still being computed.'
        : 'Choose a packet first.';

  const copy = async (which: string, target: string) => {
    try {
      await navigator.clipboard.writeText(target);
      setLink({ kind: 'copied', which });
    } catch {
      setLink({ kind: 'manual', link: target });
      // After the render: select it, so Ctrl+C copies it.
      requestAnimationFrame(() => field.current?.select());
    }
  };
  const copyLink = () => {
    const here = window.location.href;
    const view = store.getState().view;
    const base = here.slice(0, here.length - window.location.hash.length);
    const plain =
      view.scenarioText !== null && window.location.hash.startsWith('#/walk')
        ? `${base}#/walk?${encodeView({ ...view, scenarioText: null })}`
        : null;
    const checked = checkLink(here, plain);
    if (checked.fits) void copy('Link copied', checked.link);
    else setLink({ ...checked, kind: 'too-long' });
  };

  const exportYaml = () => download(name('', 'yaml'), text(yaml, 'application/yaml'));
  const exportWalk = () =>
    download(name('walk', 'json'), text(walksFile(scenarioId, shownWalks), 'application/json'));
  const exportMatrix = (format: 'csv' | 'json') => {
    const rows = matrixExportRows(matrix ?? []);
    const body =
      format === 'csv'
        ? matrixCsv(rows)
        : matrixJson(rows, { scenario: scenarioId, port: matrixPort });
    download(
      name('matrix', format),
      text(body, format === 'csv' ? 'text/csv' : 'application/json'),
    );
  };
  const picture = (): string | null => {
    const panelsShown = shown.flatMap((cni) => {
      const svg = document.querySelector<SVGSVGElement>(
        `.topology-view[data-cni='${cni}'] .topology-canvas > svg`,
      );
      return svg
        ? [panelOf(svg, `${CNI_TITLE[cni]} · step ${step + 1} · ${packetLine(packet)}`)]
        : [];
    });
    if (panelsShown.length === 0) return null;
    const root = getComputedStyle(document.documentElement);
    const view = document.querySelector('.topology-view');
    return pictureSvg(panelsShown, {
      background: view ? getComputedStyle(view).backgroundColor : root.backgroundColor,
      text: root.getPropertyValue('--text').trim() || getComputedStyle(document.body).color,
      fontFamily: getComputedStyle(document.body).fontFamily,
    });
  };
  const exportPicture = async (format: 'svg' | 'png') => {
    setProblem(null);
    const svg = picture();
    if (!svg) return setProblem('No drawing on screen to export.');
    const what = `step-${step + 1}`;
    if (format === 'svg') return download(name(what, 'svg'), text(svg, 'image/svg+xml'));
    try {
      download(name(what, 'png'), await svgToPng(svg, 2));
    } catch (error) {
      setProblem(`The PNG could not be made: ${(error as Error).message}`);
    }
  };
  const pictureReason = packet ? null : 'Choose a packet first.';

  return (
    <Popover label="Share" summary={null} className="share-popover">
      <div className="share-link">
        <button type="button" onClick={copyLink}>
          Copy link
        </button>
        <p role="status" className="share-status">
          {link.kind === 'copied' ? link.which : ''}
        </p>
        {link.kind === 'manual' && (
          <label className="share-manual">
            The browser did not allow copying; copy the link from here:
            <input ref={field} readOnly value={link.link} onFocus={(e) => e.target.select()} />
          </label>
        )}
        {link.kind === 'too-long' && (
          <div className="share-too-long" role="alert">
            <p>
              This link is {link.length.toLocaleString('en')} characters long, over the{' '}
              {MAX_SHARE_URL_LENGTH.toLocaleString('en')} a link can be trusted to carry: your edits
              would be cut off on the way. Share the scenario as a file instead.
            </p>
            <button type="button" onClick={exportYaml}>
              Download the scenario (YAML)
            </button>{' '}
            {link.withoutEdits && (
              <button
                type="button"
                onClick={() => void copy('Link without the edits copied', link.withoutEdits!)}
              >
                Copy the link without the edits
              </button>
            )}
          </div>
        )}
      </div>
      <h2 className="share-heading">Export</h2>
      <ul className="share-exports">
        <ExportItem
          label="Scenario (YAML)"
          reason={yaml ? null : 'The scenario is still being generated.'}
          onExport={exportYaml}
        />
        <ExportItem label="Walk (JSON)" reason={walkReason} onExport={exportWalk} />
        <ExportItem
          label="Matrix (CSV)"
          reason={matrixReason}
          onExport={() => exportMatrix('csv')}
        />
        <ExportItem
          label="Matrix (JSON)"
          reason={matrixReason}
          onExport={() => exportMatrix('json')}
        />
        <ExportItem
          label="Picture (SVG)"
          reason={pictureReason}
          onExport={() => void exportPicture('svg')}
        />
        <ExportItem
          label="Picture (PNG)"
          reason={pictureReason}
          onExport={() => void exportPicture('png')}
        />
      </ul>
      {matrixReason === 'Open the Matrix panel first.' && (
        <button type="button" className="share-open-matrix" onClick={() => togglePanel('matrix')}>
          Open the Matrix panel
        </button>
      )}
      {problem && (
        <p className="share-problem" role="alert">
          {problem}
        </p>
      )}
    </Popover>
  );
}
