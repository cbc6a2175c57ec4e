import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { loadRules, suggest } from '../../../src/suggest/index.js';
import { PidSharingSuggester } from '../../../src/suggest/pid-sharing.js';

const rules = loadRules();
const namer = new Enricher();

function procDenial(pid: number, file: string): Denial {
  const line = `audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" class="file" profile="snap.code.code" name="/proc/${pid}/${file}" pid=9 comm="x" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000`;
  const parsed = parseLine(line);
  if (parsed.kind !== 'denial') throw new Error(`not a denial: ${line}`);
  return namer.enrich(parsed.denial, 'file');
}

describe('shared /proc/PID/ answers', () => {
  it("hold the new path as it is, replacement patterns ($&, $', $$) and all", () => {
    const sharing = new PidSharingSuggester(rules);
    for (const file of ['status', 'environ', 'fd/$&', "task/$'x", 'cwd/$$y', 'attr/$`']) {
      for (let pid = 100; pid < 140; pid++) {
        const denial = procDenial(pid, file);
        expect(sharing.suggest(denial), denial.path).toEqual(suggest(denial, rules));
      }
    }
    // Every shape after its first two (the second checks the first can be shared).
    expect(sharing.sharedAnswers).toBe(6 * 38);
  });
});
