import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/build.js';

const RATE = 10_000;
const SECONDS = 5;
/** Start-up, the load, and the UI catching up on a busy 2-core machine; counts are asserted, never times. */
const TIMEOUT_MS = 240_000;

interface LoadReport {
  readonly generator: { readonly emitted: number; readonly markers: number };
  readonly kernelAuditLost: number;
  readonly journal: { readonly eitherCopy: number };
  readonly ui: {
    readonly counted: number;
    readonly expected: number;
    readonly missedFromJournal: number;
    readonly gaps: number;
  };
  readonly markerToScreenMs: { readonly samples: number; readonly neverShown: number };
  readonly keyPressMs: { readonly samples: number; readonly neverShown: number };
  readonly rssMiB: { readonly samples: readonly number[]; readonly max: number };
}

let workDir: string;
let report: LoadReport;

beforeAll(async () => {
  ensureBuilt();
  workDir = mkdtempSync(join(tmpdir(), 'snappy-debug-load-'));
  const out = join(workDir, 'load.json');
  await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'bench/load.mjs'),
      `--rate=${RATE}`,
      `--seconds=${SECONDS}`,
      '--source=journald',
      `--out=${out}`,
    ],
    { cwd: ROOT, maxBuffer: 1 << 24 },
  );
  report = JSON.parse(readFileSync(out, 'utf8')) as LoadReport;
  const { generator, journal, ui, markerToScreenMs, keyPressMs } = report;
  console.log(JSON.stringify({ generator, journal, ui, markerToScreenMs, keyPressMs }));
}, TIMEOUT_MS);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe(`the UI following ${RATE} real seccomp denials a second for ${SECONDS} s through journald`, () => {
  // What journald keeps is its own affair (its audit multicast socket drops when full; the kernel
  // ring buffer is overwritten): the bench reports it, the UI must count all of it or show gaps.
  it('is fed every denial the generator made, none lost by the kernel', () => {
    expect(report.generator.emitted).toBe(RATE * SECONDS);
    expect(report.generator.markers).toBeGreaterThanOrEqual(1);
    expect(report.kernelAuditLost, 'kernel audit lost').toBe(0);
  });

  it('counts every denial that reached the journal', () => {
    expect(report.ui.expected).toBe(report.generator.emitted + report.generator.markers);
    expect(report.journal.eitherCopy).toBeGreaterThan(0);
    expect(report.ui.missedFromJournal, 'in the journal, not counted by the UI').toBe(0);
    expect(report.ui.counted).toBe(report.journal.eitherCopy);
  });

  it('counts all of them, or shows gaps where the journal missed some', () => {
    // A gap notice names no snap: journald missing other programs' kernel messages shows too.
    if (report.journal.eitherCopy === report.ui.expected) {
      expect(report.ui.counted).toBe(report.ui.expected);
    } else {
      expect(report.ui.gaps).toBeGreaterThan(0);
    }
  });

  it('shows the markers and answers every key press while loaded', () => {
    expect(report.markerToScreenMs.samples + report.markerToScreenMs.neverShown).toBe(
      report.generator.markers,
    );
    if (report.ui.gaps === 0) expect(report.markerToScreenMs.neverShown, 'markers never shown').toBe(0);
    expect(report.keyPressMs.neverShown, 'key presses unanswered').toBe(0);
    expect(report.keyPressMs.samples).toBeGreaterThan(0);
  });

  it('samples its resident memory every second', () => {
    expect(report.rssMiB.samples.length).toBeGreaterThanOrEqual(SECONDS);
    expect(report.rssMiB.max).toBeGreaterThan(0);
  });
});
