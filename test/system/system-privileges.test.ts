import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSource, sourceByName } from '../../src/sources/index.js';
import { isRoot, unreadableSources } from '../../src/system/privileges.js';

const dir = mkdtempSync(join(tmpdir(), 'snappy-debug-privileges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('privileges', () => {
  it('as root nothing is missed', async () => {
    expect(isRoot()).toBe(true);
    expect(await unreadableSources()).toEqual([]);
  });

  it('as nobody, /dev/kmsg (dmesg_restrict) and the system journal are named', () => {
    const moduleFile = join(dir, 'privileges.mjs');
    buildSync({
      entryPoints: [resolve(import.meta.dirname, '../../src/system/privileges.ts')],
      outfile: moduleFile,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
    });
    const script = join(dir, 'check.mjs');
    writeFileSync(
      script,
      `import { isRoot, unreadableSources } from ${JSON.stringify(moduleFile)};\nconsole.log(JSON.stringify({ root: isRoot(), missed: await unreadableSources() }));\n`,
    );
    chmodSync(dir, 0o755);
    const output = execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, script], {
      encoding: 'utf8',
    });
    const { root, missed } = JSON.parse(output) as { root: boolean; missed: string[] };
    expect(root).toBe(false);
    expect(missed).toContain('/dev/kmsg (kernel.dmesg_restrict = 1)');
    expect(missed).toContain('the system journal (not in group adm, systemd-journal or wheel)');
  });
});

describe('detectSource / sourceByName', () => {
  it('prefers journald when it runs, and says so in one line', async () => {
    const { source, reason } = await detectSource();
    expect(source.name).toBe('journald');
    expect(reason).toBe(`following ${source.description}; use --source to choose`);
    expect(reason).toMatch(
      /^following journald \((sd-journal|journalctl) --follow\); use --source to choose$/,
    );
  });

  it('falls back to a syslog file, then /dev/kmsg, then audit.log, and fails in one line without any', async () => {
    const none = join(dir, 'absent');
    const syslogFile = join(dir, 'syslog');
    writeFileSync(syslogFile, 'x\n');
    const auditLog = join(dir, 'audit.log');
    writeFileSync(auditLog, '');
    const base = { journaldSocket: none, syslogFiles: [none, syslogFile] };
    const syslog = await detectSource(base);
    expect([syslog.source.name, syslog.reason]).toEqual([
      'syslog',
      `following ${syslogFile} (journald is not running); use --source to choose`,
    ]);
    const kmsg = await detectSource({ ...base, syslogFiles: [none] });
    expect([kmsg.source.name, kmsg.reason]).toEqual([
      'kmsg',
      'following the kernel ring buffer /dev/kmsg (no journald, no syslog file); use --source to choose',
    ]);
    const audit = await detectSource({ ...base, syslogFiles: [none], kmsg: none, auditLog });
    expect(audit.source.name).toBe('audit');
    await expect(detectSource({ ...base, syslogFiles: [none], kmsg: none, auditLog: none })).rejects.toThrow(
      `cannot find a log to follow: no journald, no ${none}, ${none} and ${none} unreadable`,
    );
  });

  it('names each source, and refuses an unknown name in one line', () => {
    expect(['journald', 'syslog', 'kmsg', 'audit', 'stdin'].map((name) => sourceByName(name).name)).toEqual([
      'journald',
      'syslog',
      'kmsg',
      'audit',
      'stdin',
    ]);
    expect(() => sourceByName('dmesg')).toThrow(
      "unknown source 'dmesg' (choose from journald, syslog, kmsg, audit, stdin)",
    );
  });
});
