import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App, type AppProps } from '../../../components/App.js';
import {
  BUSY_REDRAW_MS,
  CHECK_EVERY,
  SATURATED_REDRAW_MS,
  type DenialFeed,
} from '../../../components/useDenialFeed.js';
import type { Denial } from '../../../src/model/denial.js';
import type { SourceLine } from '../../../src/sources/types.js';
import { GroupStore } from '../../../src/ui/group-store.js';
import { deviceDenial, fileDenial, syscallDenial } from './fixtures.js';

afterEach(() => cleanup());

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (up to 20 s: the machine may be loaded) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in 20 s');
    await tick(5);
  }
}

const DENIALS: Readonly<Record<string, Denial>> = {
  shadow: fileDenial('foo', 'app', '/etc/shadow', 1_773_415_100),
  shadow2: fileDenial('foo', 'app', '/etc/shadow', 1_773_415_101),
  exit: syscallDenial('foo', 'app', 1, 1_773_415_102, 'exit'),
  kmsg: deviceDenial('bar', 'reader', 1_773_415_103),
};

const line = (text: string): SourceLine => ({ line: text, source: 'journald', receivedAt: 0 });
/** The step from a line to its denial; "noise" lines are no denial. */
const denialOf = (source: SourceLine): Denial | undefined => DENIALS[source.line];

function app(denials: AppProps['denials']) {
  return render(
    <App
      store={new GroupStore()}
      {...(denials ? { denials } : {})}
      sourceDescription="journald"
      stats={() => ({ lines: 0, unparsed: 0, gaps: 0 })}
      colour={false}
      writeReport={async (path) => path ?? '/tmp/r.md'}
      size={{ columns: 80, rows: 24 }}
      flushMs={10}
    />,
  );
}

describe('the denial feed', () => {
  it('shows from line batches exactly what it shows from the same denials one by one', async () => {
    const batches: readonly (readonly string[])[] = [
      ['shadow', 'noise'],
      ['noise'],
      ['shadow2', 'exit', 'kmsg'],
    ];
    async function* lineBatches(): AsyncGenerator<readonly SourceLine[]> {
      for (const batch of batches) yield batch.map(line);
    }
    async function* oneByOne(): AsyncGenerator<Denial> {
      for (const batch of batches) for (const name of batch) if (DENIALS[name]) yield DENIALS[name];
    }
    const feed: DenialFeed = { batches: lineBatches(), denialOf };
    const batched = app(feed);
    await until(() => (batched.lastFrame() ?? '').includes('3 groups'));
    const batchedFrame = batched.lastFrame();
    batched.unmount();
    const single = app(oneByOne());
    await until(() => (single.lastFrame() ?? '').includes('3 groups'));
    expect(batchedFrame).toBe(single.lastFrame());
    expect(batchedFrame).toContain('1:AppArmor 2  2:seccomp 1  3:cgroup 1   3 groups');
  });

  it('answers a key while a long batch is still being added', async () => {
    const total = 400_000;
    let added = 0;
    const countingDenialOf = (source: SourceLine): Denial | undefined => {
      added++;
      return denialOf(source);
    };
    async function* oneLongBatch(): AsyncGenerator<readonly SourceLine[]> {
      yield Array.from({ length: total }, (_, index) => line(index % 2 ? 'shadow' : 'exit'));
    }
    const { lastFrame, stdin } = app({ batches: oneLongBatch(), denialOf: countingDenialOf });
    await until(() => added > 0);
    stdin.write('1');
    await until(() => (lastFrame() ?? '').includes('1:AppArmor off'));
    // The key was drawn between two slices of the batch, not after it.
    expect(added).toBeLessThan(total);
  }, 60_000);

  it('gives way to a key before its next slice: the key is drawn with no denial added since', async () => {
    const total = 400_000;
    let added = 0;
    const countingDenialOf = (source: SourceLine): Denial | undefined => {
      added++;
      return denialOf(source);
    };
    async function* oneLongBatch(): AsyncGenerator<readonly SourceLine[]> {
      yield Array.from({ length: total }, (_, index) => line(index % 2 ? 'shadow' : 'exit'));
    }
    const ui = app({ batches: oneLongBatch(), denialOf: countingDenialOf });
    let addedWhenDrawn = -1;
    const write = ui.stdout.write;
    ui.stdout.write = (frame: string) => {
      if (addedWhenDrawn < 0 && frame.includes('1:AppArmor off')) addedWhenDrawn = added;
      write(frame);
    };
    // Pressed between two slices (once warm, a slice adds thousands): the next slice is queued
    // before the key's render.
    await until(() => added > 50_000);
    const addedWhenPressed = added;
    ui.stdin.write('1');
    await until(() => addedWhenDrawn >= 0);
    expect(addedWhenPressed).toBeLessThan(total);
    // Without giving way, a whole slice (8 ms: thousands of these denials) came first.
    expect(addedWhenDrawn - addedWhenPressed).toBeLessThanOrEqual(CHECK_EVERY);
  }, 60_000);

  it("redraws a busy group's counters less often, and still shows a quiet group's event", async () => {
    let flooding = true;
    let quietSent = false;
    async function* flood(): AsyncGenerator<Denial> {
      const started = Date.now();
      for (let i = 0; flooding; i++) {
        yield syscallDenial('foo', 'app', 1, 1_773_415_100, 'exit');
        if (!quietSent && Date.now() - started > 400) {
          quietSent = true;
          yield deviceDenial('bar', 'reader', 1_773_415_103);
        }
        if (i % 20 === 0) await tick(1);
      }
    }
    const flushMs = 20;
    const ui = render(
      <App
        store={new GroupStore()}
        denials={flood()}
        sourceDescription="journald"
        stats={() => ({ lines: 0, unparsed: 0, gaps: 0 })}
        colour={false}
        writeReport={async (path) => path ?? '/tmp/r.md'}
        size={{ columns: 80, rows: 24 }}
        flushMs={flushMs}
      />,
    );
    await until(() => (ui.lastFrame() ?? '').includes('exit'));
    const framesBefore = ui.frames.length;
    const started = Date.now();
    await tick(800);
    const elapsed = Date.now() - started;
    const frames = ui.frames.length - framesBefore;
    // One busy group: a redraw per BUSY_REDRAW_MS at most (a slow machine only draws fewer), plus the quiet group's.
    expect(frames).toBeLessThanOrEqual(Math.ceil(elapsed / BUSY_REDRAW_MS) + 2);
    expect(frames).toBeGreaterThan(0);
    await until(() => (ui.lastFrame() ?? '').includes('3:cgroup 1'));
    flooding = false;
  }, 60_000);

  it('draws a flood of new groups at the busy pace', async () => {
    let flooding = true;
    let groupsSent = 0;
    async function* newGroups(): AsyncGenerator<Denial> {
      for (let i = 0; flooding; i++) {
        groupsSent++;
        yield syscallDenial('foo', 'app', 1000 + i, 1_773_415_100, `call${i}`);
        if (i % 20 === 0) await tick(1);
      }
    }
    const ui = render(
      <App
        store={new GroupStore()}
        denials={newGroups()}
        sourceDescription="journald"
        stats={() => ({ lines: 0, unparsed: 0, gaps: 0 })}
        colour={false}
        writeReport={async (path) => path ?? '/tmp/r.md'}
        size={{ columns: 80, rows: 24 }}
        flushMs={5}
      />,
    );
    await until(() => groupsSent > 100 && (ui.lastFrame() ?? '').includes('groups'));
    const framesBefore = ui.frames.length;
    const started = Date.now();
    await tick(800);
    const elapsed = Date.now() - started;
    flooding = false;
    // Every event is news, news in a row is a flood: no more redraws than a busy group gets.
    expect(ui.frames.length - framesBefore).toBeLessThanOrEqual(Math.ceil(elapsed / BUSY_REDRAW_MS) + 2);
    ui.unmount();
  }, 60_000);

  it('spaces the busy redraws further while the feed cannot keep up with its source', async () => {
    let flooding = true;
    // Each line costs 0.2 ms and the next batch is always ready: the feed never catches up.
    const slowDenialOf = (source: SourceLine): Denial | undefined => {
      const until = performance.now() + 0.2;
      while (performance.now() < until);
      return denialOf(source);
    };
    async function* endless(): AsyncGenerator<readonly SourceLine[]> {
      while (flooding) yield Array.from({ length: 100 }, () => line('exit'));
    }
    const ui = app({ batches: endless(), denialOf: slowDenialOf });
    await until(() => (ui.lastFrame() ?? '').includes('exit'));
    // A second of that makes it saturated.
    await tick(1500);
    const framesBefore = ui.frames.length;
    const started = Date.now();
    await tick(1200);
    const elapsed = Date.now() - started;
    flooding = false;
    expect(ui.frames.length - framesBefore).toBeLessThanOrEqual(Math.ceil(elapsed / SATURATED_REDRAW_MS) + 2);
    expect(ui.frames.length - framesBefore).toBeGreaterThan(0);
    ui.unmount();
  }, 60_000);
});
