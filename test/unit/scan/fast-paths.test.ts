import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { formatJsonLine, toJsonRecord } from '../../../src/output/json.js';
import { parseLine } from '../../../src/parse/index.js';
import { rulesDir } from '../../../src/paths.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { resolveAuditSyscall } from '../../../src/seccomp/resolve.js';
import { loadRules, suggest, type RuleSet } from '../../../src/suggest/index.js';
import { ROOT } from '../../support/build.js';

/** Real lines: the parser's fixtures, the suggestion corpus and the head of the benchmark log. */
function realLines(): string[] {
  const fixtures = parseYaml(readFileSync(join(ROOT, 'test/fixtures/lines/real-world.yaml'), 'utf8')) as {
    line: string;
  }[];
  const corpus = parseYaml(readFileSync(join(ROOT, 'test/fixtures/corpus/denials.yaml'), 'utf8')) as {
    line: string;
  }[];
  const lines = [...fixtures, ...corpus].map((entry) => entry.line);
  const bench = join(ROOT, 'bench/out/syslog-1m.log');
  if (existsSync(bench)) {
    const head = Buffer.alloc(2 << 20);
    const fd = openSync(bench, 'r');
    const read = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const benchLines = head.toString('utf8', 0, read).split('\n').slice(0, -1);
    lines.push(
      ...benchLines.filter((line) => line.includes('apparmor=') || line.includes('type=1')).slice(0, 400),
    );
  }
  return lines;
}

let rules: RuleSet;
let denials: Denial[];
beforeAll(() => {
  rules = loadRules(rulesDir(), { cacheDir: false });
  denials = realLines().flatMap((line) => {
    const parsed = parseLine(line, 'file');
    return parsed.kind === 'denial' ? [parsed.denial] : [];
  });
}, 60_000);

/** What enrich must give, built step by step from scratch (no memo, one copy per step). */
function reference(denial: Denial): Denial {
  const withSource = denial.source === undefined ? { ...denial, source: 'syslog' as const } : denial;
  const syscall = withSource.syscall;
  let named = withSource;
  if (syscall && syscall.name === undefined) {
    const resolved = resolveAuditSyscall(syscall.auditArch, syscall.number, syscall.compat);
    named = {
      ...withSource,
      syscall: {
        ...syscall,
        ...(resolved.arch !== undefined ? { arch: resolved.arch } : {}),
        ...(resolved.name !== undefined ? { name: resolved.name } : {}),
      },
    };
  }
  return { ...named, suggestions: suggest(named, rules) };
}

describe('the scan fast paths give what the plain steps give', () => {
  it('has real denials of every kind to check', () => {
    expect(denials.length).toBeGreaterThan(150);
    expect(new Set(denials.map((d) => d.kind))).toEqual(new Set(['apparmor', 'seccomp']));
  });

  it('enrich (one copy, memoised suggestions) equals the step-by-step result, members in the same order', () => {
    const enricher = new Enricher(rules);
    for (const denial of denials) {
      const enriched = enricher.enrich(denial, 'syslog');
      const expected = reference(denial);
      expect(enriched).toStrictEqual(expected);
      expect(Object.keys(enriched)).toEqual(Object.keys(expected));
    }
  }, 60_000);

  it('enrichOwned (members added to the parsed record) gives the same denial as enrich', () => {
    const enricher = new Enricher(rules);
    for (const line of realLines()) {
      const parsed = parseLine(line, 'file');
      if (parsed.kind !== 'denial') continue;
      const copied = enricher.enrich(parsed.denial, 'syslog');
      const owned = enricher.enrichOwned(parsed.denial, 'syslog');
      expect(owned).toStrictEqual(copied);
      expect(Object.keys(owned)).toEqual(Object.keys(copied));
    }
  });

  it('formatJsonLine writes exactly JSON.stringify(toJsonRecord(d)) for every enriched real denial', () => {
    const enricher = new Enricher(rules);
    for (const denial of denials) {
      const enriched = enricher.enrich(denial, 'file');
      expect(formatJsonLine(enriched)).toBe(`${JSON.stringify(toJsonRecord(enriched))}\n`);
    }
  });
});
