import { describe, expect, it } from 'vitest';
import { compactDenial, refreshedDenial } from '../../../src/ui/compact-denial.js';
import { fileDenial, syscallDenial } from './fixtures.js';

function interner(): (text: string) => string {
  const names = new Map<string, string>();
  return (text) => names.get(text) ?? (names.set(text, text), text);
}

describe('compactDenial', () => {
  it('keeps every member the UI reads, not the fields map nor the times the group keeps itself', () => {
    const d = {
      ...syscallDenial('foo', 'bar', 314, 7, 'sched_setattr'),
      fields: { syscall: '314', comm: 'bar' },
      suggestions: [{ kind: 'advice' as const, id: 'x', text: 'do x' }],
      repeat: 3,
    };
    const { fields: _fields, auditStamp: _stamp, repeat: _repeat, raw: _raw, log: _log, ...expected } = d;
    const copy = compactDenial(d, interner());
    expect(copy).toEqual(expected);
    expect(copy.fields).toBeUndefined();
    expect(copy.auditStamp).toBeUndefined();
    expect('raw' in copy || 'log' in copy).toBe(false);
    expect(copy.syscall).toEqual(d.syscall);
    expect(copy.suggestions).toBe(d.suggestions);
  });

  it('keeps one copy of repeated names, and not the line (the group keeps it apart)', () => {
    const intern = interner();
    const a = compactDenial(fileDenial('foo', 'bar', '/x', 1), intern);
    const b = compactDenial(fileDenial('foo', 'bar', '/y', 2), intern);
    expect(b.label).toBe('snap.foo.bar');
    expect(a.operation).toBe(b.operation);
    expect('raw' in b).toBe(false);
  });

  it('keeps only the members the record has', () => {
    const copy = compactDenial(fileDenial('foo', 'bar', '/x', 1), interner());
    expect(Object.values(copy)).not.toContain(undefined);
    expect('syscall' in copy).toBe(false);
  });

  it('refreshes the kept record in place when the new one has the same members, else replaces it', () => {
    const intern = interner();
    const kept = compactDenial(fileDenial('foo', 'bar', '/x', 1), intern);
    const newer = fileDenial('foo', 'bar', '/x', 2);
    const path = kept.path;
    const refreshed = refreshedDenial(kept, newer, intern);
    expect(refreshed).toBe(kept);
    expect(refreshed).toEqual(compactDenial(newer, intern));
    expect(refreshed.path).toBe(path);

    const { pid: _pid, ...withoutPid } = fileDenial('foo', 'bar', '/x', 3);
    const replaced = refreshedDenial(kept, withoutPid, intern);
    expect(replaced).not.toBe(kept);
    expect('pid' in replaced).toBe(false);
    expect(replaced).toEqual(compactDenial(withoutPid, intern));

    const withMore = { ...fileDenial('foo', 'bar', '/x', 4), info: 'Failed name lookup' };
    const grown = refreshedDenial(replaced, withMore, intern);
    expect(grown).not.toBe(replaced);
    expect(grown.info).toBe('Failed name lookup');
  });
});
