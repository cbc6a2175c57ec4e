/**
 * Where a `run` spends its time, for SNAPPY_DEBUG_TIMING=1: each mark is the milliseconds since
 * the process started (node's own start-up and module loading included), printed at the end.
 */
const enabled = process.env.SNAPPY_DEBUG_TIMING === '1';
const marks: { readonly phase: string; readonly at: number }[] = [];

/** Notes that `phase` has just finished (a no-op unless SNAPPY_DEBUG_TIMING=1). */
export function markPhase(phase: string): void {
  if (enabled) marks.push({ phase, at: performance.now() });
}

/** `timing: loaded 41.2, locate 43.0 (+1.8), ...` or undefined when timing is off. */
export function timingLine(): string | undefined {
  if (!enabled || marks.length === 0) return undefined;
  let previous = 0;
  const bootstrap = { phase: 'node', at: performance.nodeTiming.bootstrapComplete };
  const parts = [bootstrap, ...marks].map(({ phase, at }) => {
    const text = `${phase} ${at.toFixed(1)} (+${(at - previous).toFixed(1)})`;
    previous = at;
    return text;
  });
  return `timing: ${parts.join(', ')}`;
}
