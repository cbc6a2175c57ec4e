import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { scanAddon, type ScanAddon } from '../../src/scan/native-scan.js';
import { ROOT } from './build.js';

/**
 * The candidate-scan addon, built first when a source is newer than native/build/scan.node
 * (it is part of `npm run build:native`, which a test run may not have done since the change).
 */
export function builtScanAddon(): ScanAddon {
  execFileSync('make', ['-s', '-C', join(ROOT, 'native'), 'build/scan.node'], { stdio: 'inherit' });
  const loaded = scanAddon();
  if (!loaded) throw new Error('native/build/scan.node did not load');
  return loaded;
}
