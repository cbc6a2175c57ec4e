import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARD_SYSLOG_MISSED_ID, watchForwardMisses } from '../../src/sources/forward-misses.js';
import type { SourceGap } from '../../src/sources/types.js';
import { startDaemons, until } from './support/faults.js';

// journald writes "Forwarding to syslog missed N messages." the moment a burst overflows rsyslog's
// socket. The watcher must report a notice written after it was asked to watch, even when
// journalctl takes a while to start (a busy machine): here a journalctl that starts 1.5 s late.

let dir = '';
beforeAll(() => {
  startDaemons();
  dir = mkdtempSync(join(tmpdir(), 'forward-misses-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeNotice(count: number): void {
  const fields = `MESSAGE_ID=${FORWARD_SYSLOG_MISSED_ID}\nMESSAGE=Forwarding to syslog missed ${count} messages.\n`;
  const result = spawnSync('logger', ['--journald'], { input: fields });
  if (result.status !== 0) throw new Error(`logger --journald failed: ${String(result.stderr)}`);
}

describe('journald forwarding-miss notices', () => {
  it('reports a notice written while journalctl was still starting, and one written after', async () => {
    const slowJournalctl = join(dir, 'journalctl');
    writeFileSync(slowJournalctl, '#!/bin/sh\nsleep 1.5\nexec journalctl "$@"\n');
    chmodSync(slowJournalctl, 0o755);
    const gaps: SourceGap[] = [];
    const stop = new AbortController();
    const watching = watchForwardMisses((gap) => gaps.push(gap), stop.signal, { journalctl: slowJournalctl });
    // Before the watcher's journalctl runs at all.
    writeNotice(7001);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    writeNotice(7002);
    await until(
      () => gaps.length >= 2,
      () => `gaps seen: ${JSON.stringify(gaps.map((g) => g.lost))}`,
    );
    stop.abort();
    await watching;
    expect(gaps.map((g) => g.lost)).toEqual([7001, 7002]);
    expect(gaps.every((g) => g.source === 'syslog')).toBe(true);
  }, 60_000);

  it('does not report notices from before it started', async () => {
    writeNotice(7003);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const gaps: SourceGap[] = [];
    const stop = new AbortController();
    const watching = watchForwardMisses((gap) => gaps.push(gap), stop.signal);
    writeNotice(7004);
    await until(
      () => gaps.length >= 1,
      () => `gaps seen: ${JSON.stringify(gaps.map((g) => g.lost))}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop.abort();
    await watching;
    expect(gaps.map((g) => g.lost)).toEqual([7004]);
  }, 60_000);
});
