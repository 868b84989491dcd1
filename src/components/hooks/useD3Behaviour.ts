import { useEffect, useRef, type DependencyList, type RefObject } from 'react';

/**
 * Creates a d3 behaviour (`createX({ svg, ... }) -> { destroy, ... }`) on an element in an effect
 * and destroys it on cleanup or when `deps` change. Returns a ref holding the live behaviour.
 */
export function useD3Behaviour<E extends Element, B extends { destroy(): void }>(
  element: RefObject<E | null>,
  create: (el: E) => B,
  deps: DependencyList,
): RefObject<B | null> {
  const behaviour = useRef<B | null>(null);
  useEffect(() => {
    const el = element.current;
    if (!el) return;
    const b = create(el);
    behaviour.current = b;
    return () => {
      b.destroy();
      behaviour.current = null;
    };
    // The caller names what recreates the behaviour.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return behaviour;
}
