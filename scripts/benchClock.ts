/** The bench's clock (issue 15). */

/**
 * This process's CPU time in milliseconds. The bench machine is shared: wall-clock time counts the
 * moments other processes hold the core, which inflated every figure (a bare Map.get read 40 to
 * 280 ns between runs); CPU time counts only this process's work.
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
