// The parser's records are built member by member (no undefined members) and its fields objects
// have fast properties while inheriting nothing: what the builders' and tokenizer's fast paths
// must keep from the object literals and Object.create(null) they replaced.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parseLine, parseLineUncached } from '../../../src/parse/index.js';
import { tokenize } from '../../../src/parse/tokenize.js';

const REAL_WORLD = parse(
  readFileSync(new URL('../../fixtures/lines/real-world.yaml', import.meta.url), 'utf8'),
) as readonly { readonly line: string }[];

function membersHoldingUndefined(value: object, path = ''): string[] {
  const found: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) found.push(`${path}${key}`);
    else if (typeof member === 'object' && member !== null)
      found.push(...membersHoldingUndefined(member, `${path}${key}.`));
  }
  return found;
}

describe('tokenize fields object', () => {
  test('inherits no member: constructor, __proto__ and toString are only there when logged', () => {
    const plain = tokenize('a=1').fields;
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(name in plain, name).toBe(false);
      expect((plain as Record<string, unknown>)[name], name).toBeUndefined();
    }
    const odd = tokenize('__proto__=x constructor=y toString=z a=1 a=2').fields;
    expect(Object.keys(odd)).toEqual(['__proto__', 'constructor', 'toString', 'a']);
    expect(odd.__proto__).toBe('x');
    expect(odd.constructor).toBe('y');
    expect(odd.a).toBe('1');
    expect(JSON.stringify(odd)).toBe('{"__proto__":"x","constructor":"y","toString":"z","a":"1"}');
    expect(Object.getPrototypeOf(Object.getPrototypeOf(odd))).toBeNull();
  });
});

describe('built records', () => {
  test('no member holds undefined, cached or not, with every source and time form', () => {
    let denials = 0;
    const now = new Date('2026-11-22T12:00:00Z');
    for (const { line } of REAL_WORLD) {
      for (const result of [
        parseLineUncached(line, 'file', now),
        parseLine(line),
        parseLine(line, 'journal'),
      ]) {
        if (result.kind !== 'denial') continue;
        denials++;
        expect(membersHoldingUndefined(result.denial), line).toEqual([]);
      }
    }
    expect(denials).toBeGreaterThanOrEqual(60);
  });

  test('a cached build equals a fresh one member for member, in the same order', () => {
    for (const { line } of REAL_WORLD) {
      const fresh = parseLineUncached(line, 'file');
      for (let i = 0; i < 3; i++) {
        const cached = parseLine(line, 'file');
        expect(JSON.stringify(cached)).toBe(JSON.stringify(fresh));
      }
    }
  });
});
