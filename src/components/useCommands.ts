import { useEffect, useRef } from 'react';
import { commandFor, type CommandContext } from './commands';

/**
 * The one key handler of the app: looks each key press up in the commands table. Mounted once, at the
 * shell; `ctx` is read at the moment of the key press, so it may change on every render.
 * While `paused` (a modal dialog is open) no command runs: the dialog owns the keyboard.
 */
export function useCommands(ctx: CommandContext, paused: boolean): void {
  const latest = useRef({ ctx, paused });
  useEffect(() => {
    latest.current = { ctx, paused };
  });
  useEffect(() => {
    // Space on a focused button would also click it (on key up): the shortcut, not the button, acts.
    let swallowKeyUp: string | null = null;
    const onKeyDown = (e: KeyboardEvent) => {
      if (latest.current.paused) return;
      const command = commandFor(e, latest.current.ctx);
      if (!command) return;
      e.preventDefault();
      swallowKeyUp = e.key;
      command.run(latest.current.ctx);
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (swallowKeyUp !== null && e.key === swallowKeyUp) e.preventDefault();
      swallowKeyUp = null;
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
    };
  }, []);
}
