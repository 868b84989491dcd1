/**
 * The smallest fix (engine/fix.ts) for the walk the user asked about: asked of the worker when a
 * dropped walk's "Suggest a fix" sets the request, over the manifests the editor holds now (so the
 * fix's text is that text with the change), and written beside the request for the fix panel.
 */
import type { FixResult } from '../engine/fix';
import type { AppState } from '../store';
import type { EngineQuery } from './queryTypes';

/** Made with the scenario-text reader of the query table (kept there, with the built-in texts). */
export function fixQuery(
  textOf: (state: AppState) => string,
): EngineQuery<readonly [request: AppState['fixRequest']], FixResult | null> {
  return {
    key: 'fix',
    dependencies: (s) => [s.fixRequest],
    run: async (client, [request], { store }) => {
      if (!request) return null;
      const state = store.getState();
      return client.call(
        'suggestFix',
        { name: `${state.view.scenarioId}.yaml`, text: textOf(state) },
        request,
      );
    },
    write: (store, answer) => store.getState().setFixAnswer(answer),
  };
}
