import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmsgSource, type SourceGap, type SourceLine } from '../../src/sources/index.js';

const DEVKMSG = '/proc/sys/kernel/printk_devkmsg';
const BURST = 2500; // ~110 bytes each: twice the 128 KiB ring buffer
let devkmsgBefore = '';

/** Our own markers can be dropped if another run puts printk_devkmsg back to ratelimit meanwhile. */
async function withDeadline<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`no kmsg record for 10 s; ${DEVKMSG} is ${readFileSync(DEVKMSG, 'utf8').trim()}`)),
      10_000,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function nextMatching(iterator: AsyncIterator<SourceLine>, text: string): Promise<void> {
  for (;;) {
    const { value, done } = await withDeadline(iterator.next());
    if (done) throw new Error(`kmsg source ended before '${text}'`);
    if (value.line.includes(text)) return;
  }
}

describe('kmsg source: messages the kernel overwrote before we read them', () => {
  // Writes to /dev/kmsg are rate limited by default; lift that for the burst and put it back.
  beforeAll(() => {
    devkmsgBefore = readFileSync(DEVKMSG, 'utf8').trim();
    writeFileSync(DEVKMSG, 'on\n');
  });
  afterAll(() => writeFileSync(DEVKMSG, `${devkmsgBefore}\n`));

  it('keeps reading on its own thread while ours is busy: the whole burst, or gaps that count what is missing', async () => {
    const tag = `snappy-debug-gap-${process.pid}-${Date.now()}`;
    const gaps: SourceGap[] = [];
    const abort = new AbortController();
    let ready = (): void => {};
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const lines = kmsgSource().lines({
      signal: abort.signal,
      onGap: (gap) => gaps.push(gap),
      onReady: () => ready(),
    });
    const iterator = lines[Symbol.asyncIterator]();
    const first = iterator.next();
    await isReady;
    const kmsg = openSync('/dev/kmsg', 'w');
    try {
      writeSync(kmsg, `<7>${tag} start\n`);
      const start = await withDeadline(first);
      if (!start.value?.line.includes(`${tag} start`)) await nextMatching(iterator, `${tag} start`);
      // This thread is busy writing twice what the ring holds: the reader thread drains it
      // meanwhile (with a one-thread reader, all but the last ring's worth was lost). Debug level (<7>) keeps the burst off the
      // serial console, which would take seconds; without its \n a record stays open (to be
      // continued) and readers do not see it until the next one arrives.
      for (let i = 0; i < BURST; i++)
        writeSync(kmsg, `<7>${tag} burst ${String(i).padStart(5, '0')} ${'z'.repeat(80)}\n`);
      writeSync(kmsg, `<7>${tag} end\n`);
    } finally {
      closeSync(kmsg);
    }
    const burst: number[] = [];
    for (;;) {
      const { value, done } = await withDeadline(iterator.next());
      if (done) throw new Error('kmsg source ended early');
      if (value.line.includes(`${tag} end`)) break;
      const number = new RegExp(`${tag} burst (\\d+)`).exec(value.line)?.[1];
      if (number !== undefined) burst.push(Number(number));
    }
    abort.abort();
    await iterator.return?.();
    // A machine busy enough to starve the reader thread too makes the kernel overwrite some: then
    // a gap for each stretch overwritten (at most one per hole in the burst), whose counts cover
    // what is missing.
    const holes =
      burst.filter((n, i) => n - (i === 0 ? -1 : burst[i - 1]!) > 1).length +
      (burst.at(-1) === BURST - 1 ? 0 : 1);
    expect(gaps.length).toBeLessThanOrEqual(Math.max(1, holes));
    expect(gaps.every((gap) => gap.source === 'kmsg')).toBe(true);
    const lost = gaps.reduce((sum, gap) => sum + (gap.lost ?? 0), 0);
    expect(burst.length + lost).toBeGreaterThanOrEqual(BURST);
    // What arrived is in order, without repeats; what is missing is missing between two records.
    expect(burst).toEqual([...new Set(burst)].sort((a, b) => a - b));
    console.log(
      `kmsg burst of ${BURST} while this thread wrote it: ${burst.length} read, ${lost} counted lost`,
    );
  });
});
