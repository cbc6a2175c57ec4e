import { EventEmitter } from 'node:events';
import { render, Text, useInput } from 'ink';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { MAX_FPS } from '../../../src/ui/run-tui.js';

// Under CI=true Ink writes only the last frame, at unmount (is-in-ci, read when Ink loads): this
// test times the frames a terminal gets, so Ink must load believing it is not in CI.
vi.hoisted(() => {
  process.env.CI = '0';
});

/** A terminal that keeps what Ink writes. */
class Screen extends EventEmitter {
  readonly columns = 80;
  readonly rows = 24;
  readonly isTTY = false;
  readonly frames: string[] = [];
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

/** A keyboard in raw mode: each press is one read. */
class Keys extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  press(data: string): void {
    this.data = data;
    this.emit('readable');
  }
  read(): string | null {
    const { data } = this;
    this.data = null;
    return data;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Counts the keys pressed: a render of well under a millisecond, so Ink's limit is all that waits. */
function KeyCount() {
  const [count, setCount] = useState(0);
  useInput(() => setCount((n) => n + 1));
  return <Text>{`keys ${count}`}</Text>;
}

describe("a key's frame", () => {
  it("is not held back by Ink's frame limit a few milliseconds after another frame", async () => {
    const screen = new Screen();
    const keys = new Keys();
    // As runTui renders: Ink's frame limit, not its debug mode (which draws every commit).
    const ui = render(<KeyCount />, {
      stdout: screen as unknown as NodeJS.WriteStream,
      stdin: keys as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: MAX_FPS,
    });
    try {
      // The first frame may come a turn or more after render() on a busy machine.
      const deadline = Date.now() + 10_000;
      while (screen.frames.length === 0 && Date.now() < deadline) await nextTurn();
      expect(screen.frames.at(-1)).toContain('keys 0');
      // 3 ms after the first frame: a 60 fps limit drew the next one at its trailing edge, 17 ms
      // after the key's render; at MAX_FPS the limit (1 ms) has lapsed by then.
      await new Promise((resolve) => setTimeout(resolve, 3));
      keys.press('j');
      // React renders the key on the next turn of the event loop; its frame goes out with it.
      await nextTurn();
      await nextTurn();
      expect(screen.frames.at(-1)).toContain('keys 1');
    } finally {
      ui.unmount();
    }
  });
});
