import type { Hop, HopCost } from '../datapath/hop';
import { selectPanels, useAppActions, useAppStore } from '../store';
import type { Cni } from '../engine/model';
import { CNI_TITLE, STAGE_WORDS } from '../scene/words';
import { useDrawer } from './Drawer';

/**
 * The current hop in a few lines under the picture: where (node and hook), the table and what
 * matched, the verdict at the end, the explanation (two lines; "More" opens the inspector) and the
 * running cost, rules tested against map lookups.
 */
export function HopSummary({
  cni,
  stage,
  hop,
  verdict,
  dropReason,
  cost,
}: {
  cni: Cni;
  /** Where the panel's packet stands (the timeline's position). */
  stage: Hop['stage'];
  hop: Hop | undefined;
  verdict: 'delivered' | 'dropped' | undefined;
  dropReason: string | undefined;
  cost: HopCost;
}) {
  const panels = useAppStore(selectPanels);
  const togglePanel = useAppActions().togglePanel;
  const drawer = useDrawer();
  const more = () => {
    if (!panels.includes('inspector')) togglePanel('inspector');
    drawer.show('inspector');
  };
  return (
    <div className="hop-summary" data-testid={`${cni}-summary`}>
      {!hop ? (
        <p className="hop-summary-where">
          No walk yet: choose a packet with the Packet button in the toolbar, or click a pod.
        </p>
      ) : (
        <>
          <p className="hop-summary-where">
            <strong data-testid={`${cni}-stage`} data-stage={stage}>
              {STAGE_WORDS[stage].name}
            </strong>{' '}
            at {hop.node} · <code>{hop.where}</code>
          </p>
          {(hop.table || hop.match) && (
            <p className="hop-summary-table">
              {hop.table && (
                <>
                  Table <code>{hop.table}</code>
                </>
              )}
              {hop.table && hop.match && ' · '}
              {hop.match && (
                <>
                  matched <code>{hop.match}</code>
                </>
              )}
            </p>
          )}
          {verdict && (
            <p className={`hop-summary-verdict verdict-${verdict}`}>
              <span aria-hidden="true">{verdict === 'delivered' ? '✓ ' : '✕ '}</span>
              {verdict === 'delivered'
                ? 'Delivered'
                : `Dropped${dropReason ? `: ${dropReason}` : ''}`}
            </p>
          )}
          <p className="hop-summary-explanation">{hop.explanation}</p>
        </>
      )}
      <p className="hop-summary-foot">
        <span>
          Rules tested <strong data-testid={`${cni}-rules`}>{cost.rules}</strong>
        </span>
        <span>
          Map lookups <strong data-testid={`${cni}-lookups`}>{cost.lookups}</strong>
        </span>
        {hop && (
          <button
            type="button"
            className="link"
            onClick={more}
            aria-label={`More about this hop in the ${CNI_TITLE[cni]} inspector`}
          >
            More…
          </button>
        )}
      </p>
    </div>
  );
}
