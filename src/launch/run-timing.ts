/**
 * Where a `run` spends its time, for SNAPPY_DEBUG_TIMING=1: each mark is the milliseconds since
 * the process started (node's own start-up and module loading included) and the CPU time this
 * process had used by then, printed at the end.
 */
const enabled = process.env.SNAPPY_DEBUG_TIMING === '1';
const marks: { readonly phase: string; readonly at: number; readonly cpu: number }[] = [];

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Notes that `phase` has just finished (a no-op unless SNAPPY_DEBUG_TIMING=1). */
export function markPhase(phase: string): void {
  if (enabled) marks.push({ phase, at: performance.now(), cpu: cpuMs() });
}

/** `timing: node 40.1/38.0, loaded 71.2/60.3 (+31.1/+22.3), ...` (wall/cpu) or undefined when off. */
export function timingLine(): string | undefined {
  if (!enabled || marks.length === 0) return undefined;
  let previous = { at: 0, cpu: 0 };
  const bootstrap = { phase: 'node', at: performance.nodeTiming.bootstrapComplete, cpu: Number.NaN };
  const parts = [bootstrap, ...marks].map((mark) => {
    const cpu = Number.isNaN(mark.cpu) ? '' : `/${mark.cpu.toFixed(1)}`;
    const delta = Number.isNaN(mark.cpu)
      ? ''
      : ` (+${(mark.at - previous.at).toFixed(1)}/+${(mark.cpu - previous.cpu).toFixed(1)})`;
    if (!Number.isNaN(mark.cpu)) previous = mark;
    return `${mark.phase} ${mark.at.toFixed(1)}${cpu}${delta}`;
  });
  return `timing (ms wall/cpu): ${parts.join(', ')}`;
}
