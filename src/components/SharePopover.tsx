/**
 * Share (issue 18): copy the link (the edited scenario rides in it, compressed), or, when that link
 * is too long to travel (or the text too long to be in it: store LINK_TEXT_MAX), the scenario as a
 * file and the link without the edits; export the scenario
 * (YAML), the walk (JSON), the matrix (CSV, JSON) and the picture of the step (SVG, PNG).
 */
import './SharePopover.css';
import { useId, useRef, useState, type ReactNode } from 'react';
import { matrixCsv, matrixExportRows, matrixJson } from '../engine/matrixExport';
import { MATRIX_AGGREGATE_ABOVE } from '../engine/matrixData';
import type { Cni } from '../engine/model';
import { CNI_TITLE } from '../scene/words';
import {
  encodeView,
  linkCarriesText,
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

const OPEN_MATRIX = 'Open the Matrix panel first.';

const text = (body: string, type: string) => new Blob([body], { type: `${type};charset=utf-8` });

type LinkState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'copied'; readonly which: string }
  /** The clipboard was refused: the link to copy by hand. */
  | { readonly kind: 'manual'; readonly link: string }
  | (LinkCheck & { readonly fits: false; readonly kind: 'too-long' });

/**
 * One kind of export, its formats side by side; when it cannot apply now, the buttons are disabled
 * and say why (with the way to make it apply, if there is one).
 */
function ExportRow({
  reason,
  formats,
  children,
}: {
  reason: string | null;
  formats: readonly { readonly label: string; readonly run: () => void }[];
  /** Shown beside the reason. */
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <li>
      <span className="share-formats">
        {formats.map((f) => (
          <button
            key={f.label}
            type="button"
            disabled={reason !== null}
            aria-describedby={reason ? id : undefined}
            onClick={f.run}
          >
            {f.label}
          </button>
        ))}
      </span>
      {reason && (
        <span className="share-why">
          <span id={id}>{reason}</span> {children}
        </span>
      )}
    </li>
  );
}

/** Beside the word on a wide screen, instead of it on a narrow one (SharePopover.css). */
const SHARE_ICON = (
  <svg className="share-icon" aria-hidden="true" width="14" height="14" viewBox="0 0 16 16">
    <path
      d="M8 10V1.5M4.5 5 8 1.5 11.5 5M2.5 8.5v6h11v-6"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.7"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  </svg>
);

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
      ? OPEN_MATRIX
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
    const text = view.scenarioText;
    const checked = checkLink(here, plain, text && !linkCarriesText(text) ? text.length : null);
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
      return svg ? [panelOf(svg, CNI_TITLE[cni])] : [];
    });
    if (panelsShown.length === 0) return null;
    const root = getComputedStyle(document.documentElement);
    const view = document.querySelector('.topology-view');
    return pictureSvg(`${packetLine(packet)} · hop ${step + 1}`, panelsShown, {
      background: view ? getComputedStyle(view).backgroundColor : root.backgroundColor,
      text: getComputedStyle(document.body).color,
      fontFamily: getComputedStyle(document.body).fontFamily,
    });
  };
  const exportPicture = async (format: 'svg' | 'png') => {
    setProblem(null);
    const svg = picture();
    if (!svg) return setProblem('No drawing on screen to export.');
    const what = `hop-${step + 1}`;
    if (format === 'svg') return download(name(what, 'svg'), text(svg, 'image/svg+xml'));
    try {
      download(name(what, 'png'), await svgToPng(svg, 2));
    } catch (error) {
      setProblem(`The PNG could not be made: ${(error as Error).message}`);
    }
  };
  const pictureReason = packet ? null : 'Choose a packet first.';

  return (
    <Popover label="Share" summary={SHARE_ICON} className="share-popover">
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
            {link.textLength === undefined ? (
              <p>
                This link is {link.length.toLocaleString('en')} characters long, over the{' '}
                {MAX_SHARE_URL_LENGTH.toLocaleString('en')} a link can be trusted to carry: your
                edits would be cut off on the way. Share the scenario as a file instead.
              </p>
            ) : (
              <p>
                The edited scenario is {link.textLength.toLocaleString('en')} characters long, too
                long for a link to carry: share it as a file instead.
              </p>
            )}
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
        <ExportRow
          reason={yaml ? null : 'The scenario is still being generated.'}
          formats={[{ label: 'Scenario (YAML)', run: exportYaml }]}
        />
        <ExportRow reason={walkReason} formats={[{ label: 'Walk (JSON)', run: exportWalk }]} />
        <ExportRow
          reason={matrixReason}
          formats={[
            { label: 'Matrix (CSV)', run: () => exportMatrix('csv') },
            { label: 'Matrix (JSON)', run: () => exportMatrix('json') },
          ]}
        >
          {matrixReason === OPEN_MATRIX && (
            <button type="button" onClick={() => togglePanel('matrix')}>
              Open the Matrix panel
            </button>
          )}
        </ExportRow>
        <ExportRow
          reason={pictureReason}
          formats={[
            { label: 'Picture (SVG)', run: () => void exportPicture('svg') },
            { label: 'Picture (PNG)', run: () => void exportPicture('png') },
          ]}
        />
      </ul>
      {problem && (
        <p className="share-problem" role="alert">
          {problem}
        </p>
      )}
    </Popover>
  );
}
