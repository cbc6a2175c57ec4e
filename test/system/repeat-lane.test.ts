// scanlog --json on a saved file hands repeats over as JSON text made from their key's template
// (src/scan/repeat-lane.ts: rendered by the native scan itself, or late, on the main thread, by the
// addon's late renderer, or spliced in JavaScript) instead of parsing them: the text must be byte for byte what parsing each line and formatting its
// denial gives, on lines never seen before, with the same counts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { generateSyslog } from '../../bench/gen-syslog.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Denial, Suggestion } from '../../src/model/denial.js';
import { formatJsonLine } from '../../src/output/json.js';
import { DENIAL_MARKERS, parseLine } from '../../src/parse/index.js';
import { rulesCacheDir, rulesDir } from '../../src/paths.js';
import { Enricher } from '../../src/scan/enrich.js';
import type { DenialFilter } from '../../src/scan/filter.js';
import { scanAddon, type ScanAddon } from '../../src/scan/native-scan.js';
import { denialsFromBatches } from '../../src/scan/pipeline.js';
import {
  RenderedHead,
  RenderedRun,
  RepeatTemplates,
  suggestionsTailBytes,
  ChunkEnd,
} from '../../src/scan/repeat-lane.js';
import { newScanStats } from '../../src/scan/stats.js';
import { SuggestionThread, type SuggestionSlot } from '../../src/scan/suggestion-thread.js';
import { denialBatchesThreaded } from '../../src/scan/threaded-pipeline.js';
import { scanCandidatesJs, scanCandidatesNative } from '../../src/sources/candidate-scan.js';
import { loadRules, type RuleSet } from '../../src/suggest/index.js';
import { auditLine, relogged } from '../support/audit-lines.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { seedLines } from '../support/mutate.mjs';

const dir = mkdtempSync(join(tmpdir(), 'repeat-lane-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let addon: ScanAddon;
let rules: RuleSet;
const data = { rulesDir: rulesDir(), cacheDir: rulesCacheDir() };
const workerEntry = join(ROOT, 'dist/src/scan/suggest-worker.js');

beforeAll(() => {
  ensureBuilt();
  execFileSync('make', ['-s', '-C', join(ROOT, 'native'), 'build/scan.node'], { stdio: 'inherit' });
  const loaded = scanAddon();
  if (!loaded) throw new Error('native/build/scan.node did not load');
  addon = loaded;
  rules = loadRules(rulesDir(), { cacheDir: rulesCacheDir() });
}, 120_000);

/** Each line parsed and formatted on its own (the JavaScript scan: no keys, no templates). */
async function parsedOneByOne(path: string, filter: DenialFilter): Promise<{ text: Buffer; stats: object }> {
  const stats = newScanStats();
  let text = '';
  for await (const denial of denialsFromBatches(scanCandidatesJs(path, DENIAL_MARKERS), {
    filter,
    stats,
    enricher: new Enricher(rules),
  })) {
    text += formatJsonLine(denial);
  }
  return { text: Buffer.from(text), stats };
}

/**
 * A suggestion thread that has answered once: it then answers within the scan of a small file, so
 * that later chunks are rendered whole (else every repeat would be rendered but for its tail).
 */
async function answering(): Promise<SuggestionThread> {
  const thread = new SuggestionThread(workerEntry, data);
  const result = parseLine(WARM_UP, 'file');
  if (result.kind !== 'denial') throw new Error('the warm-up line is no denial');
  const slot = {};
  thread.request(new Enricher().enrich(result.denial), slot);
  await thread.until(slot);
  return thread;
}

const WARM_UP =
  'Nov 22 10:02:30 devbox kernel: audit: type=1400 audit(1763805750.150:4001): apparmor="DENIED" operation="open" profile="snap.warm.up" name="/etc/fstab" pid=12 comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0';

/**
 * `thread`, but a slot it answered is only filled once the pipeline waits for it (until): nothing
 * is answered before the end of the file, and then the pipeline waits for every slot in turn and
 * must not hand a rendered run over before the last of its heads' slots is answered.
 */
function answeringOnlyWhenAsked(thread: SuggestionThread): SuggestionThread {
  const inner = new Map<SuggestionSlot, SuggestionSlot>();
  const lazy = {
    request(denial: Denial, slot: SuggestionSlot): void {
      const own: SuggestionSlot = {};
      inner.set(slot, own);
      thread.request(denial, own);
    },
    send: (): void => thread.send(),
    async until(slot: SuggestionSlot): Promise<readonly Suggestion[]> {
      const own = inner.get(slot);
      if (own === undefined) return thread.until(slot);
      slot.suggestions = await thread.until(own);
      return slot.suggestions;
    },
    close: (): Promise<void> => thread.close(),
  };
  return lazy as unknown as SuggestionThread;
}

/** The repeat lane, as scanlog --json prints it. */
async function throughRepeatLane(
  path: string,
  filter: DenialFilter,
  chunkBytes: number,
  maxWaiting?: number,
  lazily = false,
): Promise<{ text: Buffer; stats: object; kinds: Record<string, number> }> {
  const stats = newScanStats();
  const templates = new RepeatTemplates();
  const parts: Buffer[] = [];
  const kinds: Record<string, number> = { denial: 0, spliced: 0, late: 0, rendered: 0, head: 0, mixedRun: 0 };
  const batches = scanCandidatesNative(addon, path, DENIAL_MARKERS, undefined, chunkBytes, {
    keyed: true,
    templates: () => templates.takeForScan(),
  });
  for await (const items of denialBatchesThreaded(batches, {
    filter,
    stats,
    thread: lazily ? answeringOnlyWhenAsked(await answering()) : await answering(),
    jsonRepeats: templates,
    // 0: every unanswered entry is waited for, a rendered run's between its heads too.
    ...(maxWaiting !== undefined ? { maxWaiting } : {}),
  })) {
    for (const item of items) {
      if (item instanceof ChunkEnd) {
        // Every byte of the chunk was copied above: its memory goes back to the scan.
        item.release();
      } else if (item instanceof Uint8Array) {
        kinds.rendered!++;
        parts.push(Buffer.from(item));
      } else if (item instanceof RenderedRun) {
        for (const slot of item.slots) expect(slot.suggestions).toBeDefined();
        if (new Set(item.slots).size > 1) kinds.mixedRun!++;
        let from = item.start;
        item.headEnds.forEach((headEnd, i) => {
          kinds.head!++;
          parts.push(
            Buffer.from(item.bytes.subarray(from, headEnd)),
            suggestionsTailBytes(item.slots[i]!.suggestions!),
          );
          from = headEnd;
        });
        if (item.end > from) {
          kinds.rendered!++;
          parts.push(Buffer.from(item.bytes.subarray(from, item.end)));
        }
      } else if (item instanceof RenderedHead) {
        if (typeof item.head === 'string') kinds.spliced!++;
        else if (item.late) kinds.late!++;
        else kinds.head!++;
        parts.push(Buffer.from(item.head), item.tail!);
      } else {
        kinds.denial!++;
        parts.push(Buffer.from(formatJsonLine(item)));
      }
    }
  }
  return { text: Buffer.concat(parts), stats, kinds };
}

const FILTERS: readonly DenialFilter[] = [{ includeUnconfined: true }, {}, { snap: 'steam' }];

describe('the repeat lane', () => {
  it('prints what parsing each line prints (generated lines, their repeats, noise)', async () => {
    const seen = { late: 0, rendered: 0, head: 0 };
    const seeds = seedLines().map((line) => line.replace(/\n/g, ' '));
    await fc.assert(
      fc.asyncProperty(
        fc.array(auditLine, { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 50, maxLength: 400 }),
        fc.array(fc.nat(seeds.length - 1), { maxLength: 10 }),
        fc.constantFrom(...FILTERS),
        fc.constantFrom(700, 4096, 1 << 20),
        fc.constantFrom(undefined, 0),
        async (originals, picks, noise, filter, chunkBytes, maxWaiting) => {
          const lines = [
            ...originals,
            ...picks.map(([which, seed]) => relogged(originals[which % originals.length]!, seed)),
          ];
          for (const at of noise) lines.splice(at % lines.length, 0, seeds[at]!);
          const path = join(dir, 'lines.log');
          writeFileSync(path, `${lines.join('\n')}\n`);
          const expected = await parsedOneByOne(path, filter);
          const got = await throughRepeatLane(path, filter, chunkBytes, maxWaiting);
          expect(got.stats).toStrictEqual(expected.stats);
          expect(got.text.equals(expected.text)).toBe(true);
          seen.late += got.kinds.late!;
          seen.rendered += got.kinds.rendered!;
          seen.head += got.kinds.head!;
        },
      ),
      { numRuns: 40 },
    );
    // Every way a repeat is handed over was taken.
    expect(seen.late).toBeGreaterThan(0);
    expect(seen.rendered).toBeGreaterThan(0);
    expect(seen.head).toBeGreaterThan(0);
  }, 120_000);

  it('hands a run of rendered heads over once all their suggestions are in, waiting for each', async () => {
    // Slots answered only when waited for (at the end of the file, each in turn), small chunks and
    // a generated log whose accesses recur across chunks: many runs hold heads of several slots.
    const path = join(dir, 'generated.log');
    await generateSyslog(path, 100_000);
    const filter = { includeUnconfined: true };
    const expected = await parsedOneByOne(path, filter);
    const got = await throughRepeatLane(path, filter, 256 << 10, undefined, true);
    expect(got.stats).toStrictEqual(expected.stats);
    expect(got.text.equals(expected.text)).toBe(true);
    expect(got.kinds.head).toBeGreaterThan(100);
    expect(got.kinds.mixedRun).toBeGreaterThan(10);
  }, 60_000);

  it('renders the instants JavaScript writes, to the last millisecond before year 10000', async () => {
    // Leap days, century years (2100 is no leap year, 2000 is), the epoch, the last instant of
    // year 9999 and the first one after it (left to JavaScript: six-digit years).
    const seconds = [
      0, 59, 86_399, 951_782_400, 951_868_799, 4_107_542_399, 4_107_542_400, 253_402_300_799, 253_402_300_800,
      999_999_999_999, 1_763_805_601,
    ];
    const line = (s: number, ms: number, pid: number): string =>
      `Nov 22 10:02:30 devbox kernel: audit: type=1400 audit(${s}.${String(ms).padStart(3, '0')}:7): apparmor="DENIED" operation="open" profile="snap.steam.steam" name="/etc/x" pid=${pid} comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`;
    const lines: string[] = [];
    for (let round = 0; round < 20; round++) {
      seconds.forEach((s, i) => lines.push(line(s, (round * 37 + i * 101) % 1000, 100 + round)));
    }
    const path = join(dir, 'instants.log');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const filter = { includeUnconfined: true };
    const expected = await parsedOneByOne(path, filter);
    const got = await throughRepeatLane(path, filter, 700);
    expect(got.text.equals(expected.text)).toBe(true);
    expect(got.kinds.rendered! + got.kinds.head!).toBeGreaterThan(0);
  }, 60_000);
});
