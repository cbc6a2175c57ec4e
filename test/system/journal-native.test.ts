import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLine } from '../../src/parse/index.js';
import { journaldSource } from '../../src/sources/index.js';
import { JOURNAL_FIELDS } from '../../src/sources/journal-entry.js';
import { journalAddon, nativeJournalEvents } from '../../src/sources/journal-native.js';
import { JOURNAL_POLL } from '../../src/sources/journal-native-batches.js';
import { follow } from './support/collect.js';
import { killDaemon, startDaemons } from './support/faults.js';
import { triggerSeccompDenial } from './support/seccomp.js';

// The native journal reader (native/build/journal.node) against real systemd-journald and
// journalctl: the same lines, and the same following through rotation and journald's death.

const JOURNAL_DIR = '/run/log/journal';

/** Entries sent with journald's native protocol: binary values, repeats, lengths journalctl prints oddly. */
function sendRawEntries(tag: string): number {
  const script = String.raw`
import socket, struct, sys
tag = sys.argv[1].encode()
def field(name, value):
    if b'\n' in value:
        return name + b'\n' + struct.pack('<Q', len(value)) + value + b'\n'
    return name + b'=' + value + b'\n'
values = [b'plain', b'tab\there', b'line\nbreak', b'quote " and \\ back', b'\x1b[0m escape', b'del \x7f',
          'é ✓ 😀'.encode(), b'\xc3\xc3 high bits only', b'\xc2\x85 c1', b'\xef\xbf\xbe nonchar',
          b'\xef\xb7\x90 fdd0', b'\xed\xa0\x80 surrogate', b'\xc0\x80 overlong', b'\xf8\x88\x80\x80\x80 five',
          b'\xf4\x90\x80\x80 beyond', b'', b'x' * 4086, b'y' * 4087, b'\x00 nul', b'\xff']
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect('/run/systemd/journal/socket')
for v in values:
    s.send(field(b'SYSLOG_IDENTIFIER', tag) + field(b'MESSAGE', v) + b'PRIORITY=6\n')
s.send(field(b'SYSLOG_IDENTIFIER', tag) + field(b'SYSLOG_IDENTIFIER', b'second') + b'MESSAGE=one\nMESSAGE=two\n_PID_NOT=1\n')
print(len(values) + 1)
`;
  return Number(execFileSync('python3', ['-c', script, tag], { encoding: 'utf8' }).trim());
}

function journalctlCount(match: string): number {
  const out = execFileSync('journalctl', ['--output=cat', '--no-pager', match], { encoding: 'utf8' });
  return out === '' ? 0 : out.trimEnd().split('\n').length;
}

/** Every entry of the journal in `directory`, as the native reader prints it (no dedupe). */
async function readAllUnfiltered(directory: string): Promise<string[]> {
  const lines: string[] = [];
  const events = nativeJournalEvents(journalAddon()!, {
    fields: JOURNAL_FIELDS,
    matches: [],
    directory,
    start: 'head',
    follow: false,
    ...JOURNAL_POLL,
  });
  for await (const event of events) if (event.kind === 'lines') lines.push(...event.lines);
  return lines;
}

async function readAll(options: Parameters<typeof journaldSource>[0]): Promise<string[]> {
  const reader = follow(journaldSource(options), { all: true, follow: false });
  await reader.done;
  return reader.lines.map((l) => l.line);
}

/** Every member of `line`, written as JSON.stringify writes it: journalctl's own form, byte for byte. */
function canonicalMembers(line: string): boolean {
  const entry = JSON.parse(line) as Record<string, unknown>;
  let length = 1;
  for (const [key, value] of Object.entries(entry)) {
    const member = `"${key}":${JSON.stringify(value)}`;
    if (!line.includes(member)) return false;
    length += member.length + 1;
  }
  return length === line.length;
}

const markersOf = (lines: readonly { line: string }[], tag: string): string[] =>
  lines
    .map((l) => JSON.parse(l.line) as { SYSLOG_IDENTIFIER?: unknown; MESSAGE?: unknown })
    .filter((e) => e.SYSLOG_IDENTIFIER === tag)
    .map((e) => String(e.MESSAGE));

/** Logs `marker FROM` .. `marker TO` through syslog(3) (logger reads one message a line). */
function logMarkers(tag: string, from: number, to: number): string[] {
  const sent: string[] = [];
  for (let n = from; n <= to; n++) sent.push(`marker ${n}`);
  execFileSync('logger', ['-t', tag], { input: `${sent.join('\n')}\n` });
  return sent;
}

const cursorsOf = (lines: readonly { line: string }[]): string[] =>
  lines.map((l) => (JSON.parse(l.line) as { __CURSOR: string }).__CURSOR);

describe.runIf(journalAddon() !== null)('native journal reader (real journald)', () => {
  let copy: string;
  beforeAll(() => {
    startDaemons();
    copy = mkdtempSync(join(tmpdir(), 'journal-copy-'));
  });
  afterAll(() => {
    rmSync(copy, { recursive: true, force: true });
    startDaemons();
  });

  it('prints every entry of a real journal exactly as journalctl --output=json does', async () => {
    const tag = `jn-equiv-${process.pid}`;
    const sent = sendRawEntries(tag);
    const denial = await triggerSeccompDenial({ syscall: 39 });
    const deadline = Date.now() + 20_000;
    while (journalctlCount(`SYSLOG_IDENTIFIER=${tag}`) < sent && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // A copy of the journal file journald writes to: the same bytes for both readers.
    // A copy of the journal files journald writes to (the live one and the last three archived ones):
    // the same bytes for both readers.
    const machineDir = join(JOURNAL_DIR, readdirSync(JOURNAL_DIR)[0]!);
    const archived = readdirSync(machineDir)
      .filter((name) => name.startsWith('system@') && statSync(join(machineDir, name)).size <= 16 << 20)
      .map((name) => ({ name, at: statSync(join(machineDir, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const name of ['system.journal', ...archived.slice(0, 3).map((f) => f.name)])
      copyFileSync(join(machineDir, name), join(copy, name));

    const native = await readAll({ extraArgs: ['--directory', copy] });
    const viaJournalctl = await readAll({ journalctl: 'journalctl', extraArgs: ['--directory', copy] });
    expect(native.length).toBeGreaterThan(sent);
    expect(native.length).toBe(viaJournalctl.length);
    // One expect for all (tens of thousands of entries): the first few that differ, both ways.
    const differing = native
      .map((line, i) => [line, viaJournalctl[i]!] as const)
      .filter(
        ([mine, theirs]) =>
          mine.length !== theirs.length || !isDeepStrictEqual(JSON.parse(mine), JSON.parse(theirs)),
      );
    expect(differing.slice(0, 3)).toEqual([]);
    expect(native.every(canonicalMembers)).toBe(true);
    expect(viaJournalctl.every(canonicalMembers)).toBe(true);
    const raw = native.filter((line) =>
      [(JSON.parse(line) as { SYSLOG_IDENTIFIER?: unknown }).SYSLOG_IDENTIFIER].flat().includes(tag),
    );
    expect(raw.length).toBe(sent);
    // The raw line differs in member order only: journalctl's own order is random (a hash map).
    const parsed = (line: string) => {
      const result = parseLine(line, 'journald');
      return result.kind === 'denial' ? { ...result, denial: { ...result.denial, raw: undefined } } : result;
    };
    let parsedDenials = 0;
    const differentDenials = native.filter((line, i) => {
      const mine = parsed(line);
      if (mine.kind === 'denial') parsedDenials++;
      return !isDeepStrictEqual(mine, parsed(viaJournalctl[i]!));
    });
    expect(differentDenials.slice(0, 3)).toEqual([]);
    expect(parsedDenials).toBeGreaterThan(0);
    console.log(
      `equivalence: ${native.length} entries (${sent} crafted, ${parsedDenials} denials) identical`,
    );
    const seen = native.filter((line) => line.includes(`pid=${denial.pid} `));
    expect(seen.length).toBe(1);

    // Where a restart resumes: after a cursor, the entries after it and nothing else.
    const addon = journalAddon()!;
    const middle = Math.floor(native.length / 2);
    const after = (JSON.parse(native[middle]!) as { __CURSOR: string }).__CURSOR;
    const resumed: string[] = [];
    for await (const event of nativeJournalEvents(addon, {
      fields: JOURNAL_FIELDS,
      matches: [],
      directory: copy,
      after,
      start: 'head',
      follow: false,
      ...JOURNAL_POLL,
    }))
      if (event.kind === 'lines') resumed.push(...event.lines);
    const unfiltered = await readAllUnfiltered(copy);
    expect(resumed).toEqual(unfiltered.slice(unfiltered.indexOf(native[middle]!) + 1));
  });

  /** Stops `follower` a moment after the last marker: every one sent seen once, in order, no cursor twice. */
  async function stopAndExpectEachOnce(
    follower: ReturnType<typeof follow>,
    tag: string,
    sent: readonly string[],
  ): Promise<void> {
    await new Promise((r) => setTimeout(r, 200));
    await follower.stop();
    expect(markersOf(follower.lines, tag)).toEqual(sent);
    const cursors = cursorsOf(follower.lines);
    expect(new Set(cursors).size).toBe(cursors.length);
  }

  it('follows through a rotation (journalctl --rotate): every entry once, in order', async () => {
    const tag = `jn-rotate-${process.pid}`;
    const source = journaldSource();
    expect(source.description).toBe('journald (sd-journal --follow)');
    const follower = follow(source);
    await follower.ready;
    const sent = logMarkers(tag, 1, 200);
    execFileSync('journalctl', ['--rotate']);
    sent.push(...logMarkers(tag, 201, 400));
    await follower.waitFor((lines) => markersOf(lines, tag).length >= sent.length, 30_000);
    await stopAndExpectEachOnce(follower, tag, sent);
  });

  it('follows through journald killed (SIGKILL) and restarted: nothing lost, nothing repeated', async () => {
    const tag = `jn-kill-${process.pid}`;
    const follower = follow(journaldSource());
    await follower.ready;
    const sent = logMarkers(tag, 1, 100);
    await follower.waitFor((lines) => markersOf(lines, tag).length >= sent.length, 30_000);
    await killDaemon('journald', 'SIGKILL');
    startDaemons();
    sent.push(...logMarkers(tag, 101, 200));
    await follower.waitFor((lines) => markersOf(lines, tag).length >= sent.length, 30_000);
    await stopAndExpectEachOnce(follower, tag, sent);
  });

  it('names a journal directory it cannot open, in one line', async () => {
    const reader = follow(journaldSource({ extraArgs: ['--directory=/nonexistent/journal'] }));
    await expect(reader.done).rejects.toThrow(
      /^cannot follow journald: cannot open journal directory \/nonexistent\/journal: No such file or directory$/,
    );
  });
});
