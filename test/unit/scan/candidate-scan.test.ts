import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DENIAL_MARKERS, looksLikeDenial } from '../../../src/parse/index.js';
import { scanCandidates } from '../../../src/sources/candidate-scan.js';

const dir = mkdtempSync(join(tmpdir(), 'candidates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(content: string | Buffer): Promise<{ lines: string[]; total: number }> {
  const path = join(dir, 'log');
  writeFileSync(path, content);
  const lines: string[] = [];
  let total = 0;
  for await (const batch of scanCandidates(path, DENIAL_MARKERS)) {
    lines.push(...batch.lines);
    total += batch.lines.length + batch.skipped;
  }
  return { lines, total };
}

const WORDS = [
  'kernel:',
  'audit:',
  'type=1400',
  'type=1326',
  'apparmor="DENIED"',
  'SECCOMP',
  'name="/etc/x"',
  'hello',
  '=',
  'é',
  '\r',
  '{"MESSAGE":[1,2]}',
  'DEVICE_CGROUP',
  'CGROUP',
  'MESSAGE',
  'UNKNOWN[1500]',
  'UNKNOWN[1400]',
];

describe('scanCandidates', () => {
  it('keeps exactly the lines the parser could accept, and counts every line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }), { maxLength: 40 }),
        fc.boolean(),
        async (lineWords, trailingNewline) => {
          const lines = lineWords.map((words) => words.join(' '));
          const text = lines.join('\n') + (trailingNewline && lines.length > 0 ? '\n' : '');
          const expectedLines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
          const result = await scan(text);
          expect(result.total).toBe(expectedLines.length);
          const candidates = result.lines.filter(looksLikeDenial);
          expect(candidates).toEqual(expectedLines.map((l) => l.replace(/\r$/, '')).filter(looksLikeDenial));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('takes a line only when it holds a whole marker, not just the word searched for', async () => {
    const text = [
      'CGROUP x=1',
      'x DEVICE_CGROUP',
      'DEVICE_CGROUP',
      '"MESSAGE" : [',
      'MESSAGE" : [',
      'type=UNKNOWN[1400]',
      'type=UNKNOWN[1500]',
      'APPARMOR_DENIED',
      'APPARMOR',
    ].join('\n');
    const result = await scan(text);
    expect(result).toEqual({
      lines: ['x DEVICE_CGROUP', 'DEVICE_CGROUP', '"MESSAGE" : [', 'type=UNKNOWN[1500]', 'APPARMOR_DENIED'],
      total: 9,
    });
  });

  it('delivers a last line without a newline and strips CR', async () => {
    const result = await scan('noise\r\naudit: type=1326 x=1\r\napparmor="DENIED" tail');
    expect(result).toEqual({ lines: ['audit: type=1326 x=1', 'apparmor="DENIED" tail'], total: 3 });
  });

  it('finds a denial in a line longer than one read chunk', async () => {
    const long = `audit: type=1400 apparmor="DENIED" name="/${'a'.repeat(9 << 20)}"`;
    const result = await scan(`first\n${long}\nlast\n`);
    expect(result.total).toBe(3);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]!.length).toBe(long.length);
  });

  it('says which file it cannot read', async () => {
    await expect(scanCandidates(join(dir, 'nope'), ['x']).next()).rejects.toThrow(
      `cannot read ${join(dir, 'nope')}: no such file`,
    );
  });
});
