import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandOf } from '../../../src/cli.js';
import { parseScanArgs, replayFileOf, wantsUi } from '../../../src/commands/scanlog.js';
import { UsageError, type CommandIO } from '../../../src/commands/types.js';
import { earlyReplayFile } from '../../../src/early-replay-args.js';

/** What the full parse says: the file of a printed bulk replay, or undefined. */
function parsedReplayFile(argv: readonly string[], stdout: boolean, stdin: boolean): string | undefined {
  if (['-h', '--help', 'help', '-V', '--version'].includes(argv[0] ?? '')) return undefined;
  const { name, args } = commandOf(argv);
  if (name !== 'scanlog') return undefined;
  let parsed: ReturnType<typeof parseScanArgs>;
  try {
    parsed = parseScanArgs(args);
  } catch (error) {
    if (error instanceof UsageError) return undefined;
    throw error;
  }
  if (parsed === 'help') return undefined;
  const io = { stdout: { isTTY: stdout }, stdin: { isTTY: stdin } } as unknown as CommandIO;
  const file = replayFileOf(parsed);
  return file !== undefined && !wantsUi(parsed, io) ? file : undefined;
}

const TOKENS = [
  'scanlog',
  'resolve',
  'run',
  'help',
  'constructor',
  '--help',
  '-h',
  '--version',
  '-V',
  '--',
  '-',
  '',
  '--file',
  '--file=x.log',
  '--file=',
  '--file=y.gz',
  '--file=-x',
  'x.log',
  'y.gz',
  '/tmp/z',
  '--json',
  '--plain',
  '--no-follow',
  '--follow',
  '--all',
  '--include-unconfined',
  '--keep-ratelimit',
  '--only-snap',
  '--only-snap=foo',
  '--only-snap=Bad',
  'foo',
  'foo_1',
  'Bad!',
  'a--b',
  '--source',
  '--source=kmsg',
  'kmsg',
  '--snap',
  '--snap=/s',
  '--user',
  'root',
  '--bogus',
  '--json=1',
];

describe("the bin entry's first look at a batch replay", () => {
  it('never says yes where the full parse says no, and names the same file', () => {
    let yes = 0;
    fc.assert(
      fc.property(
        // Mostly scanlog's own shape (a file given) with anything around it, so that many are replays.
        fc
          .tuple(
            fc.constantFrom([], ['scanlog']),
            fc.array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })), { maxLength: 6 }),
            fc.constantFrom([], ['--file', 'x.log'], ['--file=y.log']),
          )
          .map(([command, args, file]) => [...command, ...args, ...file]),
        fc.boolean(),
        fc.boolean(),
        (argv, stdout, stdin) => {
          const early = earlyReplayFile(argv, { stdout, stdin: () => stdin });
          if (early === undefined) return;
          yes++;
          expect(parsedReplayFile(argv, stdout, stdin)).toBe(early);
        },
      ),
      { numRuns: 30_000 },
    );
    // The property is not vacuous: a fair share of the commands were replays.
    expect(yes).toBeGreaterThan(1000);
  });

  it.each([
    [['scanlog', '--file', 'x.log', '--no-follow', '--json', '--include-unconfined'], true, true, 'x.log'],
    [['--file=x.log', 'foo'], false, true, 'x.log'],
    [['scanlog', '--file', 'x.log', '--plain', '--only-snap', 'foo_1'], true, true, 'x.log'],
    [['scanlog', '--file', 'x.log'], true, true, undefined],
    [['scanlog', '--file', 'x.log.gz', '--json'], false, false, undefined],
    [['scanlog', '--file', 'x.log', '--follow', '--json'], false, false, undefined],
    [['scanlog', '--file', 'x.log', '--json', 'Bad!'], false, false, undefined],
    [['scanlog', '--file', 'x.log', '--json', '--help'], false, false, undefined],
    [['resolve', '--file', 'x.log', '--json'], false, false, undefined],
    [['scanlog', '--json'], false, false, undefined],
  ] as const)('%j (stdout a terminal: %s, stdin: %s) -> %s', (argv, stdout, stdin, file) => {
    expect(earlyReplayFile(argv, { stdout, stdin: () => stdin })).toBe(file);
    if (file !== undefined) expect(parsedReplayFile(argv, stdout, stdin)).toBe(file);
  });

  it('asks whether stdin is a terminal only when that decides', () => {
    const asked: string[] = [];
    const terminal = (stdout: boolean) => ({ stdout, stdin: () => (asked.push('stdin'), true) });
    earlyReplayFile(['scanlog', '--file', 'x.log'], terminal(false));
    earlyReplayFile(['scanlog', '--file', 'x.log', '--json'], terminal(true));
    expect(asked).toEqual([]);
    earlyReplayFile(['scanlog', '--file', 'x.log'], terminal(true));
    expect(asked).toEqual(['stdin']);
  });
});
