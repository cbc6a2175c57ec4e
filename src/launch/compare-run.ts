/** One captured launch for `compare`: the app's stdin given, its output kept (bounded), its denials. */
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import type { Denial } from '../model/denial.js';
import { parseLine } from '../parse/index.js';
import type { CapturedOutput } from './compare-report.js';
import { runLauncher } from './launcher.js';

/** How much of each output stream a report shows. */
export const OUTPUT_LIMIT = 64 * 1024;

/** Keeps the first `limit` bytes written to it and hashes them all. */
export class OutputCapture extends Writable {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private total = 0;
  private readonly hash = createHash('sha256');
  private readonly decoder = new TextDecoder();

  /** `onText`, when given, also gets the output as it comes, decoded. */
  constructor(
    private readonly limit = OUTPUT_LIMIT,
    private readonly onText?: (text: string) => void,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.onText) {
      const text = this.decoder.decode(chunk, { stream: true });
      if (text !== '') this.onText(text);
    }
    this.total += chunk.length;
    this.hash.update(chunk);
    if (this.keptBytes < this.limit) {
      const part = chunk.subarray(0, this.limit - this.keptBytes);
      this.kept.push(part);
      this.keptBytes += part.length;
    }
    done();
  }

  /** What has been written so far. */
  captured(): CapturedOutput {
    return {
      text: new TextDecoder().decode(Buffer.concat(this.kept)),
      bytes: this.total,
      digest: this.hash.copy().digest('hex'),
    };
  }
}

export interface CapturedRun {
  readonly exit: number;
  readonly durationMs: number;
  readonly stdout: CapturedOutput;
  readonly stderr: CapturedOutput;
  /** Parsed from the launcher's report: its DEVICE_CGROUP lines and the run's seccomp records. */
  readonly denials: readonly Denial[];
}

/**
 * Runs the launcher once with `input` as the app's stdin; the report lines that are not denials
 * (the launcher's notes) go to onNote as they come, and the app's output to onOutput when given.
 * Resolves when the app has exited.
 */
export async function runCaptured(
  launcherArgs: readonly string[],
  input: Uint8Array,
  onNote: (line: string) => void,
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void,
): Promise<CapturedRun> {
  const stdout = new OutputCapture(OUTPUT_LIMIT, onOutput && ((text) => onOutput('stdout', text)));
  const stderr = new OutputCapture(OUTPUT_LIMIT, onOutput && ((text) => onOutput('stderr', text)));
  const denials: Denial[] = [];
  const started = performance.now();
  const exit = await runLauncher(
    launcherArgs,
    { stdin: Readable.from([]), stdout, stderr },
    (line) => {
      const result = parseLine(line);
      if (result.kind === 'denial') denials.push(result.denial);
      else onNote(line);
    },
    input,
  );
  const durationMs = Math.round(performance.now() - started);
  // The child's pipes are closed by now ('close' fired), so every chunk has been written.
  return { exit, durationMs, stdout: stdout.captured(), stderr: stderr.captured(), denials };
}

/** All of a stream's bytes (the stdin both runs get). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
