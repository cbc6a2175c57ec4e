import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { lowerPrintkRatelimit, type LoweredRatelimit } from '../../src/system/printk.js';

const root = resolve(import.meta.dirname, '../..');
let lowered: LoweredRatelimit | undefined;

/** Real daemons, built helpers, and printk_ratelimit 0 so no denial is dropped in bursts. */
export async function setup(): Promise<void> {
  execFileSync('bash', [resolve(root, 'scripts/daemons.sh'), 'start'], { stdio: 'inherit' });
  execFileSync('make', ['-s', '-C', resolve(root, 'native')], { stdio: 'inherit' });
  lowered = await lowerPrintkRatelimit({}, false);
}

export async function teardown(): Promise<void> {
  await lowered?.restore();
}
