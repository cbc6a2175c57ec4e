import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { accessKey, Enricher } from '../../../src/scan/enrich.js';
import { loadRules, suggest, type RuleSet } from '../../../src/suggest/index.js';
import { suggestionInput } from '../../../src/suggest/input.js';
import { expandBraces, pidBlindness } from '../../../src/suggest/pid-blind.js';
import { PidSharingSuggester } from '../../../src/suggest/pid-sharing.js';
import type { AdviceRule, InterfaceRule } from '../../../src/suggest/rules.js';
import { variablesFor } from '../../../src/suggest/variables.js';
// @ts-expect-error: the benchmark's log generator is plain JavaScript without types
import { generateSyslog } from '../../../bench/gen-syslog.mjs';

// The suggestion thread shares the work between file denials that differ only in the process
// number after /proc/ (src/suggest/pid-sharing.ts): every answer must be suggest()'s own.
const ROOT = join(import.meta.dirname, '../../..');
const rules = loadRules();
const namer = new Enricher();
const scratch = mkdtempSync(join(tmpdir(), 'pid-sharing-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function denialOf(line: string): Denial | undefined {
  const parsed = parseLine(line);
  return parsed.kind === 'denial' ? namer.enrich(parsed.denial, 'file') : undefined;
}

function distinct(lines: readonly string[]): Denial[] {
  const byKey = new Map<string, Denial>();
  for (const line of lines) {
    const denial = denialOf(line);
    if (denial && !byKey.has(accessKey(denial))) byKey.set(accessKey(denial), denial);
  }
  return [...byKey.values()];
}

/** The same denial with another process number after /proc/ (and in its pid and raw line). */
function withPid(denial: Denial, pid: number): Denial {
  const path = denial.path!.replace(/^\/proc\/[0-9]+\//, `/proc/${pid}/`);
  return { ...denial, path, pid, raw: denial.raw.replace(denial.path!, path) };
}

/** Answers through one sharing suggester, in order, each compared with suggest(); how many were shared. */
function expectSameAnswers(set: RuleSet, denials: readonly Denial[]): number {
  const sharing = new PidSharingSuggester(set);
  for (const denial of denials) {
    expect(sharing.suggest(denial), denial.path ?? denial.raw).toEqual(suggest(denial, set));
  }
  return sharing.sharedAnswers;
}

const procTemplates = (denials: readonly Denial[]) =>
  denials.filter((d) => d.path !== undefined && /^\/proc\/[1-9][0-9]*\/./.test(d.path));

describe('sharing suggestions between /proc/PID/ denials', () => {
  it("gives suggest()'s answers on the benchmark generator's logs, in order and shuffled", async () => {
    const realistic = join(scratch, 'realistic.log');
    const worst = join(scratch, 'distinct.log');
    await generateSyslog(realistic, 60_000, 0.5);
    await generateSyslog(worst, 60_000, 0.02, { distinct: true });
    const common = distinct(readFileSync(realistic, 'utf8').split('\n'));
    const unique = distinct(readFileSync(worst, 'utf8').split('\n'));
    expect(procTemplates(common).length).toBeGreaterThan(100);
    const shared = expectSameAnswers(rules, [...common, ...unique]);
    // Most of the realistic log's distinct denials are other processes' /proc files.
    expect(shared).toBeGreaterThan(procTemplates(common).length / 2);
    const shuffled = fc.sample(
      fc.shuffledSubarray([...common, ...unique], { minLength: common.length }),
      1,
    )[0]!;
    expectSameAnswers(rules, shuffled);
  }, 60_000);

  it("gives suggest()'s answers on the fixtures and rule samples, each /proc/PID/ one under many numbers", () => {
    const fixtureLines = ['test/fixtures/lines/real-world.yaml', 'test/fixtures/corpus/denials.yaml'].flatMap(
      (file) => (parseYaml(readFileSync(join(ROOT, file), 'utf8')) as { line: string }[]).map((e) => e.line),
    );
    const sampleLines = readFileSync(join(ROOT, 'rules/interfaces/system-observe.yaml'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('apparmor='))
      .map((l) => l.replace(/^\s*-\s*'/, '').replace(/'\s*$/, ''));
    const denials = distinct([...fixtureLines, ...sampleLines]);
    const templates = procTemplates(denials);
    expect(templates.length).toBeGreaterThan(5);
    const variants = templates.flatMap((d) =>
      [1, 2, 10, 77, 4242, 4194304, 999_999_999].map((pid) => withPid(d, pid)),
    );
    expect(expectSameAnswers(rules, [...denials, ...variants, ...variants.reverse()])).toBeGreaterThan(
      variants.length,
    );
  });

  it("gives suggest()'s answers for random process numbers in random order", () => {
    const templates = procTemplates(
      distinct(
        [
          'environ',
          'mounts',
          'sched',
          'mountinfo',
          'cgroup',
          'oom_score_adj',
          'stat',
          'net/route',
          'attr/current',
          'task/7/comm',
        ].flatMap((file) =>
          ['code', 'lxd', 'multipass'].map(
            (snap) =>
              `audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" class="file" profile="snap.${snap}.${snap}" name="/proc/123/${file}" pid=9 comm="x" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000`,
          ),
        ),
      ),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.nat(templates.length - 1),
            // /proc/1/sched and /proc/1/mounts have rules of their own
            fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 4_000_000 })),
          ),
          { minLength: 30, maxLength: 150 },
        ),
        (picks) => {
          expectSameAnswers(
            rules,
            picks.map(([template, pid]) => withPid(templates[template]!, pid)),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps apart values suggest() tells apart (NaN and null, 1000 and "1000", absent)', () => {
    const environ = denialOf(
      'audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" class="file" profile="snap.code.code" name="/proc/5/environ" pid=9 comm="x" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0',
    )!;
    const owners = [0, 1000, '1000', Number.NaN, null, undefined];
    const variants = owners.flatMap((ouid, i) =>
      [10 + i, 20 + i, 30 + i].map((pid) => ({ ...withPid(environ, pid), ouid }) as Denial),
    );
    expect(expectSameAnswers(rules, [...variants, ...variants.reverse()])).toBeGreaterThan(0);
  });

  it('leaves out of the key, and of what the thread is sent, only fields suggest() never reads', () => {
    const denials = distinct(
      (
        parseYaml(readFileSync(join(ROOT, 'test/fixtures/corpus/denials.yaml'), 'utf8')) as { line: string }[]
      ).map((e) => e.line),
    );
    for (const denial of denials) {
      const changed = {
        ...denial,
        raw: 'x',
        log: 'y',
        time: '2000-01-01T00:00:00.000Z',
        timeText: 'z',
        auditStamp: { seconds: 1, millis: 2, serial: 3 },
        source: 'kmsg',
        pid: 1,
        comm: 'other',
        uid: 5,
        auid: 6,
        ses: 7,
        peerPid: 8,
        fields: {},
        repeat: 9,
      } as Denial;
      expect(suggest(changed, rules)).toEqual(suggest(denial, rules));
      // What the suggestion thread is sent instead of the denial.
      const input = suggestionInput(denial);
      expect(Object.keys(input).length).toBeLessThan(Object.keys(denial).length);
      expect(suggest(input, rules)).toEqual(suggest(denial, rules));
    }
  });
});

describe('which rule sets tell process numbers apart', () => {
  const variables = variablesFor({ snap: 'code', instance: 'code' });
  const base = rules.byId.get('system-observe')!;
  const withRule = (file: readonly string[], id = 'pid-test'): RuleSet => {
    const rule: InterfaceRule = {
      ...base,
      id,
      file: file.map((path) => ({ path, perms: 'r', owner: false })),
    };
    return { ...rules, interfaces: [...rules.interfaces, rule], byId: new Map([...rules.byId, [id, rule]]) };
  };

  it('shares on the real rules, the literal /proc/1/ and the variable-led globs apart', () => {
    const blindness = pidBlindness(rules, variables);
    expect(blindness).toBeDefined();
    expect([...blindness!.literalPids]).toEqual(['1']);
    expect(blindness!.unknownGlobs.every((glob) => !glob.includes('**'))).toBe(true);
  });

  it('keeps a literal process number apart, answers a glob it cannot read per path, and gives up on one with **', () => {
    expect([...pidBlindness(withRule(['@{PROC}/77/status']), variables)!.literalPids].sort()).toEqual([
      '1',
      '77',
    ]);
    expect(pidBlindness(withRule(['/proc/1*/status']), variables)!.unknownGlobs).toContain('/proc/1*/status');
    expect(pidBlindness(withRule(['/proc/**5/status']), variables)).toBeUndefined();
    expect(pidBlindness(withRule(['@{PROC}/[0-9]/status']), variables)!.unknownGlobs).toContain(
      '@{PROC}/[0-9]/status',
    );
    expect(pidBlindness(withRule(['@{PROC}/*/status'], 'i2c-123'), variables)).toBeUndefined();
    for (const set of [
      withRule(['@{PROC}/77/status']),
      withRule(['/proc/1*/status']),
      withRule(['@{PROC}/[0-9]/status']),
    ]) {
      const status = denialOf(
        'audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" class="file" profile="snap.code.code" name="/proc/5/status" pid=9 comm="x" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000',
      )!;
      expectSameAnswers(
        set,
        [5, 77, 13, 1, 77, 140, 2, 19, 5].map((pid) => withPid(status, pid)),
      );
    }
  });

  it('does not substitute a path that an advice text holds as it is', () => {
    const advice: AdviceRule = {
      id: 'pid-test-advice',
      summary: 'test',
      text: 'compare {path} with /proc/4242/environ',
      when: { kind: ['apparmor'], path: ['/proc/*/environ'] },
      priority: 1,
      exclusive: false,
      origin: 'test',
    };
    const set: RuleSet = { ...rules, advice: [...rules.advice, advice] };
    const environ = denialOf(
      'audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" class="file" profile="snap.code.code" name="/proc/4242/environ" pid=9 comm="x" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000',
    )!;
    expectSameAnswers(
      set,
      [4242, 5, 6, 7, 4242, 8].map((pid) => withPid(environ, pid)),
    );
  });

  it('expands brace choices, not variables', () => {
    expect(expandBraces('@{PROC}/*/{a,b{c,d}}')).toEqual(['@{PROC}/*/a', '@{PROC}/*/bc', '@{PROC}/*/bd']);
    expect(expandBraces('/{,var/}x[^/]**')).toEqual(['/x[^/]**', '/var/x[^/]**']);
    expect(expandBraces('/{a')).toBeUndefined();
    expect(expandBraces('/[{]x')).toBeUndefined();
  });
});
