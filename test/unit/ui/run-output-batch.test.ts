import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { outputBatcher, type OutputChunk } from '../../../components/useRunWork.js';
import { appendOutput, type OutputStream, type RunRecord } from '../../../src/ui/run-state.js';

const EMPTY: RunRecord = {
  id: 1,
  mode: 'strict',
  target: { app: 'app', args: [] },
  phase: 'running',
  lines: [],
  partial: { stdout: '', stderr: '' },
};

describe('run output batching', () => {
  it('hands chunks on once per period, in order, same-stream chunks joined and notes one each', () => {
    vi.useFakeTimers();
    try {
      const delivered: OutputChunk[] = [];
      const batch = outputBatcher((chunk) => delivered.push(chunk), 33);
      batch.add('stdout', 'hel');
      batch.add('stdout', 'lo\n');
      batch.add('note', 'a');
      batch.add('note', 'b');
      batch.add('stderr', 'x');
      vi.advanceTimersByTime(32);
      expect(delivered).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(delivered).toEqual([
        { stream: 'stdout', text: 'hello\n' },
        { stream: 'note', text: 'a' },
        { stream: 'note', text: 'b' },
        { stream: 'stderr', text: 'x' },
      ]);
      batch.add('stdout', 'end');
      batch.flush();
      expect(delivered.at(-1)).toEqual({ stream: 'stdout', text: 'end' });
      vi.advanceTimersByTime(100);
      expect(delivered).toHaveLength(5);
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves the run with the same lines and partial lines as chunk by chunk', () => {
    const chunk = fc.record({
      stream: fc.constantFrom<OutputStream>('stdout', 'stderr', 'note'),
      text: fc.stringMatching(/^[ab\n]{0,6}$/),
    });
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 40 }), (chunks) => {
        const one = chunks.reduce((r, c) => appendOutput(r, c.stream, c.text), EMPTY);
        let batched = EMPTY;
        const batch = outputBatcher((c) => (batched = appendOutput(batched, c.stream, c.text)), 33);
        for (const c of chunks) batch.add(c.stream, c.text);
        batch.flush();
        expect(batched).toEqual(one);
      }),
      { numRuns: 300 },
    );
  });
});
