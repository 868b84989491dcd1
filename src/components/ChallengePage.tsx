import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { CALICO_OPTIONS, CILIUM_OPTIONS, encodeOptions } from '../datapath/options';
import type { WalkResult } from '../datapath/walk';
import type { Cni } from '../engine/model';
import { challengeAnswer, drawChallenge, type Challenge } from '../lessons/challenge';
import { CNI_TITLE, shortModes } from '../scene/words';
import {
  selectCalicoConfig,
  selectCiliumConfig,
  selectCluster,
  selectLayout,
  selectLoadedScenario,
  selectPacket,
  selectScenarioId,
  selectScenarioText,
  selectWalks,
  useAppActions,
  useAppStore,
  useAppStoreApi,
  type PacketChoice,
} from '../store';
import { packetLine } from './packetChoice';
import { ChallengeQuiz, okWalks, useChallengeQuiz } from './ChallengeQuiz';
import type { ChallengeProgress } from '../lessons/progress';

/** The challenge score kept in the progress (lessons/progress.ts), and how to add a grade to it. */
export interface ChallengeSupport {
  readonly scores: ChallengeProgress;
  readonly record: (key: string, score: number, of: number) => void;
}

export interface ChallengePageProps {
  readonly seed: number;
  /** Renders the visualizer with the challenge beside it, once the walk is revealed. */
  readonly workspace: (pane: ReactNode) => ReactNode;
  readonly support?: ChallengeSupport;
}

const samePacket = (a: PacketChoice | null, b: PacketChoice): boolean =>
  a !== null && JSON.stringify(a) === JSON.stringify(b);

/**
 * Challenge mode (`#/challenge/<seed>`): the seed draws a packet from the scenario on screen; the
 * student predicts, per CNI shown, the verdict and the deciding hop; checking grades each part
 * against the walks and reveals the walk, standing the picture at the hop that decided.
 */
export function ChallengePage({ seed, workspace, support }: ChallengePageProps) {
  const cluster = useAppStore(selectCluster);
  const loaded = useAppStore(selectLoadedScenario);
  const scenarioId = useAppStore(selectScenarioId);
  const layout = useAppStore(selectLayout);
  const packet = useAppStore(selectPacket);
  const walks = useAppStore(selectWalks);
  const calico = useAppStore(selectCalicoConfig);
  const cilium = useAppStore(selectCiliumConfig);
  const { setPacket, setRoute } = useAppActions();
  const api = useAppStoreApi();
  const edited = useAppStore(selectScenarioText) !== null;
  // The challenge in the progress: the seed with what it was drawn from and walked in.
  const challengeKey = [
    scenarioId + (edited ? ' (edited)' : ''),
    seed,
    layout,
    `calico=${encodeOptions(CALICO_OPTIONS, calico)}`,
    `cilium=${encodeOptions(CILIUM_OPTIONS, cilium)}`,
  ].join(' ');

  const drawn = useMemo((): Challenge | string | null => {
    if (!cluster || loaded?.id !== scenarioId) return null;
    try {
      return drawChallenge(cluster, seed, { layout });
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }, [cluster, loaded, scenarioId, seed, layout]);
  const challenge = typeof drawn === 'object' ? drawn : null;

  // The walks in the store are the challenge's once the engine has answered for its packet: the
  // walks present when the packet was set belong to the packet before.
  const before = useRef<unknown>(null);
  useEffect(() => {
    if (!challenge || samePacket(packet, challenge.packet)) return;
    before.current = api.getState().walks;
    setPacket(challenge.packet);
  }, [challenge, packet, setPacket, api]);
  const ready =
    challenge !== null &&
    samePacket(packet, challenge.packet) &&
    walks !== before.current &&
    challenge.cnis.every((c) => walks[c]?.ok);
  const walkResults = useMemo(() => okWalks(walks, challenge?.cnis ?? []), [walks, challenge]);
  const walkError = challenge?.cnis
    .map((c) => walks[c])
    .find((w) => w && !w.ok && samePacket(packet, challenge.packet));

  const next = () => setRoute({ page: 'challenge', seed: seed + 1 });
  const score = support && (
    <p className="challenge-score" data-testid="challenge-score">
      Your score: {support.scores.correct} of {support.scores.answered} checks fully right
      {support.scores.seeds[challengeKey]
        ? ` · this challenge: ${support.scores.seeds[challengeKey].score} of ${support.scores.seeds[challengeKey].of}`
        : ''}
    </p>
  );
  const heading = (
    <header className="challenge-head">
      <h2 id="challenge-title">Challenge {seed}</h2>
      <p className="challenge-context">
        Scenario <strong>{scenarioId}</strong>
        {(challenge?.cnis ?? (layout === 'compare' ? ['calico', 'cilium'] : [layout])).map((c) => (
          <span key={c}>
            {' · '}
            {CNI_TITLE[c]}: {shortModes(c === 'calico' ? { cni: c, calico } : { cni: c, cilium })}
          </span>
        ))}
      </p>
      {challenge && (
        <p className="challenge-packet" data-testid="challenge-packet">
          {packetLine(challenge.packet)}
        </p>
      )}
      {score}
    </header>
  );

  if (typeof drawn === 'string' || walkError) {
    return (
      <div className="page-scroll">
        <section className="challenge-page" aria-labelledby="challenge-title">
          {heading}
          <p role="alert">
            This scenario cannot make a challenge:{' '}
            {typeof drawn === 'string' ? drawn : walkError && !walkError.ok ? walkError.error : ''}
          </p>
          <button type="button" onClick={next}>
            Next challenge
          </button>
        </section>
      </div>
    );
  }
  if (!challenge || !ready) {
    return (
      <div className="page-scroll">
        <section className="challenge-page" aria-labelledby="challenge-title">
          {heading}
          <p role="status">Drawing the packet and walking it…</p>
        </section>
      </div>
    );
  }
  return (
    <ChallengeRun
      key={`${challengeKey}`}
      challenge={challenge}
      walks={walkResults}
      heading={heading}
      onNext={next}
      workspace={workspace}
      {...(support
        ? { onGraded: (s: number, of: number) => support.record(challengeKey, s, of) }
        : {})}
    />
  );
}

function ChallengeRun({
  challenge,
  walks,
  heading,
  onNext,
  workspace,
  onGraded,
}: {
  challenge: Challenge;
  walks: Partial<Record<Cni, WalkResult>>;
  heading: ReactNode;
  onNext: () => void;
  workspace: (pane: ReactNode) => ReactNode;
  onGraded?: (score: number, of: number) => void;
}) {
  const { checked, quiz } = useChallengeQuiz(walks, null, (g) => onGraded?.(g.score, g.of));
  const { setStep, setHighlight } = useAppActions();

  // The reveal stands the picture at the first CNI's deciding hop and highlights every deciding
  // table in the inspector.
  useEffect(() => {
    if (!checked) return;
    const answers = challenge.cnis.map((c) => walks[c] && challengeAnswer(walks[c]));
    const first = answers[0];
    if (first && first.hopIndex >= 0) setStep(first.hopIndex);
    setHighlight(answers.flatMap((a) => (a?.hop ? [a.hop.table] : [])));
    return () => setHighlight([]);
  }, [checked, challenge, walks, setStep, setHighlight]);

  const pane = (
    <section className="challenge-page" aria-labelledby="challenge-title">
      {heading}
      {!checked && (
        <p className="challenge-ask">
          Before the packet leaves: for each CNI, will it arrive, and which hop decides?
        </p>
      )}
      <ChallengeQuiz
        id="challenge"
        cnis={challenge.cnis}
        seed={challenge.seed}
        {...quiz}
        onGoTo={(_, i) => setStep(i)}
      />
      <p>
        <button type="button" className="challenge-next" onClick={onNext}>
          Next challenge
        </button>
      </p>
    </section>
  );
  if (checked) return <>{workspace(pane)}</>;
  return <div className="page-scroll">{pane}</div>;
}
