/**
 * At the end of a walk, in the inspector: why the CNI allowed or dropped the connection, in
 * sentences (engine/explain.ts, computed with the walk), and for a dropped one "Suggest a fix": the
 * smallest verified policy change in the dialect chosen (engine/fix.ts, asked of the worker by
 * app/fixQuery.ts), its YAML, the other connections it opens or closes, and Apply, which replaces
 * the editor's text in one edit (the editor's Ctrl+Z undoes it; so does the Undo button here).
 */
import './FixPanel.css';
import { useId, useState } from 'react';
import type { ConnectionChange, FixDialect, FixResult } from '../engine/fix';
import type { Cni, Probe } from '../engine/model';
import { CNI_TITLE } from '../scene/words';
import {
  selectScenarioText,
  selectWalk,
  useAppActions,
  useAppStore,
  type AppState,
} from '../store';

const selectFixRequest = (s: AppState) => s.fixRequest;
const selectFixAnswer = (s: AppState) => s.fixAnswer;
const selectFixUndo = (s: AppState) => s.fixUndo;

/** The policy dialects each CNI reads (NetworkPolicy of each API group), the Kubernetes one first. */
const DIALECTS: Readonly<Record<Cni, readonly { value: FixDialect; label: string }[]>> = {
  calico: [
    { value: 'k8s', label: 'Kubernetes' },
    { value: 'calico', label: 'Calico' },
  ],
  cilium: [
    { value: 'k8s', label: 'Kubernetes' },
    { value: 'cilium', label: 'Cilium' },
  ],
};

const sameProbe = (a: Probe, b: Probe) => JSON.stringify(a) === JSON.stringify(b);

function Connections({ list, verb }: { list: readonly ConnectionChange[]; verb: string }) {
  if (list.length === 0) return null;
  return (
    <>
      <p className="fix-list-title">
        It also {verb} {list.length} other connection{list.length === 1 ? '' : 's'}:
      </p>
      <ul className="fix-list">
        {list.map((c) => (
          <li key={`${c.cni} ${c.from} ${c.to} ${c.port} ${c.protocol}`}>
            {CNI_TITLE[c.cni]}: {c.from} → {c.to}{' '}
            {c.protocol === 'ICMP' ? 'ICMP' : `${c.port}/${c.protocol}`}
          </li>
        ))}
      </ul>
    </>
  );
}

function Answer({ answer, onApply }: { answer: FixResult; onApply: () => void }) {
  if (!answer.ok) return <p className="fix-error">No fix: {answer.error}</p>;
  return (
    <div className="fix-answer">
      {answer.changes.map((c) => (
        <p key={c.policy}>{c.summary}</p>
      ))}
      <pre className="fix-yaml" tabIndex={0} aria-label="The fix as YAML">
        <code>{answer.yaml}</code>
      </pre>
      {!answer.listed ? (
        <p>The scenario is too large to list the other connections it opens.</p>
      ) : answer.opened.length === 0 && answer.closed.length === 0 ? (
        <p>It opens no other connection (every pod pair and declared port, both CNIs).</p>
      ) : (
        <>
          <Connections list={answer.opened} verb="opens" />
          <Connections list={answer.closed} verb="closes (a new policy’s default deny)" />
        </>
      )}
      <button type="button" onClick={onApply}>
        Apply to the policies
      </button>
    </div>
  );
}

export function FixPanel({ cni }: { cni: Cni }) {
  const outcome = useAppStore(selectWalk(cni));
  const request = useAppStore(selectFixRequest);
  const answer = useAppStore(selectFixAnswer);
  const undo = useAppStore(selectFixUndo);
  const text = useAppStore(selectScenarioText);
  const { requestFix, setScenarioText, setFixUndo } = useAppActions();
  const [dialect, setDialect] = useState<FixDialect>('k8s');
  // The text the fix was asked for: Apply replaces the whole text, so never over a later edit.
  const [askedOver, setAskedOver] = useState<string | null | undefined>(undefined);
  const id = useId();
  const result = outcome?.ok ? outcome.result : undefined;
  if (!result) return null;
  const probe = result.probe;
  const mine = request !== null && request.cni === cni && probe && sameProbe(request.probe, probe);
  const canUndo = undo !== null && undo.cni === cni && text === undo.applied;
  return (
    <div className="fix-panel" data-testid={`${cni}-fix`}>
      {result.why && (
        <>
          <h5>Why</h5>
          <p className="fix-why" data-testid={`${cni}-why`}>
            {result.why}
          </p>
        </>
      )}
      {result.verdict === 'dropped' && probe && (
        <div className="fix-ask">
          <label htmlFor={`${id}-dialect`}>Fix in</label>
          <select
            id={`${id}-dialect`}
            value={dialect}
            onChange={(e) => setDialect(e.target.value as FixDialect)}
          >
            {DIALECTS[cni].map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            onClick={() => {
              setAskedOver(text);
              requestFix({ probe, cni, dialect });
            }}
          >
            Suggest a fix
          </button>
        </div>
      )}
      <div aria-live="polite">
        {mine && answer === null && <p>Looking for the smallest fix…</p>}
        {mine && answer !== null && askedOver !== undefined && askedOver !== text && (
          <p className="fix-error">The policies changed since the fix was asked: ask again.</p>
        )}
        {mine && answer !== null && (askedOver === undefined || askedOver === text) && (
          <Answer
            answer={answer}
            onApply={() => {
              if (!answer.ok) return;
              setFixUndo({ cni, previous: text, applied: answer.text });
              setScenarioText(answer.text);
              requestFix(null);
            }}
          />
        )}
        {canUndo && (
          <p className="fix-applied">
            The fix is in the policies.{' '}
            <button
              type="button"
              onClick={() => {
                setScenarioText(undo.previous);
                setFixUndo(null);
              }}
            >
              Undo the fix
            </button>
          </p>
        )}
      </div>
    </div>
  );
}
