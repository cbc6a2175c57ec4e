import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { loadRules, suggest } from '../../../src/suggest/index.js';
import { PidSharingSuggester } from '../../../src/suggest/pid-sharing.js';

// PidSharingSuggester stops looking shapes up while next to none repeats (a log whose every
// denial is its own) and starts again later: on both sides of that switch every answer must be
// suggest()'s own, and sharing must come back once shapes repeat.
const rules = loadRules();
const namer = new Enricher();

function procDenial(snap: string, file: string, pid: number): Denial {
  const parsed = parseLine(
    `audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" class="file" profile="snap.${snap}.${snap}" name="/proc/${pid}/${file}" pid=${pid} comm="x" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000`,
  );
  if (parsed.kind !== 'denial') throw new Error(`not a denial: ${file}`);
  return namer.enrich(parsed.denial, 'file');
}

/** Each denial of its own shape: another file under /proc/PID/ every time. */
function unrepeated(count: number, from: number): Denial[] {
  return Array.from({ length: count }, (_, i) =>
    procDenial(['code', 'lxd', 'multipass'][i % 3]!, `oom_score_adj-${from + i}`, 3000 + i),
  );
}

/** A few shapes, each under many process numbers. */
function repeated(count: number): Denial[] {
  const files = ['environ', 'mounts', 'stat', 'cgroup', 'attr/current', 'net/route'];
  return Array.from({ length: count }, (_, i) => procDenial('code', files[i % files.length]!, 100 + i));
}

function answerAll(sharing: PidSharingSuggester, denials: readonly Denial[]): void {
  for (const denial of denials) {
    expect(sharing.suggest(denial), denial.path).toEqual(suggest(denial, rules));
  }
}

describe('PidSharingSuggester stepping aside when shapes do not repeat', () => {
  it("skips lookups on unrepeated shapes, comes back for repeated ones, and gives suggest()'s answers throughout", () => {
    const sharing = new PidSharingSuggester(rules);
    answerAll(sharing, unrepeated(1200, 0));
    expect(sharing.skippedLookups).toBeGreaterThan(500);
    expect(sharing.sharedAnswers).toBe(0);

    const skippedBefore = sharing.skippedLookups;
    // Longer than the longest stretch skipped (32 windows of 256): lookups resume within it.
    answerAll(sharing, repeated(10_000));
    expect(sharing.sharedAnswers).toBeGreaterThan(1000);
    const skippedWhileRepeating = sharing.skippedLookups - skippedBefore;
    expect(skippedWhileRepeating).toBeLessThan(8192);

    // Once shapes repeat, nothing more is skipped, and unrepeated ones are answered right again.
    const shared = sharing.sharedAnswers;
    const skipped = sharing.skippedLookups;
    answerAll(sharing, repeated(600));
    expect(sharing.skippedLookups).toBe(skipped);
    expect(sharing.sharedAnswers).toBeGreaterThan(shared + 500);
    answerAll(sharing, unrepeated(300, 5000));
  }, 60_000);

  it('never skips while shapes repeat', () => {
    const sharing = new PidSharingSuggester(rules);
    answerAll(sharing, repeated(2000));
    expect(sharing.skippedLookups).toBe(0);
    expect(sharing.sharedAnswers).toBeGreaterThan(1900);
  });
});
