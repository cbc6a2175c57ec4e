import { deviceIdentity } from './devices.js';
import { matchFile } from './match-file.js';
import { full, isFullMatch, literalLength, type MatchContext, type MatchResult } from './match-types.js';
import type { InterfaceRule } from './rules.js';

export function matchDevice(ctx: MatchContext, rule: InterfaceRule): MatchResult {
  const device = ctx.denial.device;
  if (!device) return undefined;
  const identity = deviceIdentity(device);
  const grant = rule.devices.find(
    (g) =>
      (g.kernel === undefined ||
        (identity.kernel !== undefined && udevGlob(g.kernel).test(identity.kernel))) &&
      (g.subsystem === undefined || g.subsystem === identity.subsystem) &&
      (g.kernel !== undefined || g.subsystem !== undefined),
  );
  const where = `${device.type} ${device.major}:${device.minor}${identity.kernel ? ` (${identity.kernel})` : ''}`;
  if (grant) {
    const pattern = grant.kernel ? `KERNEL=="${grant.kernel}"` : `SUBSYSTEM=="${grant.subsystem}"`;
    // A KERNEL== pattern names one family of devices (video[0-9]*): as specific as a literal path.
    const exactness = grant.kernel ? 3 : 1;
    return full(rule, `udev rule ${pattern} selects ${where}`, exactness, literalLength(grant.kernel ?? ''));
  }
  if (identity.kernel) {
    const viaFile = matchFile(ctx, rule, `/dev/${identity.kernel}`);
    if (isFullMatch(viaFile)) return { ...viaFile, exactness: Math.min(viaFile.exactness, 1) };
  }
  return undefined;
}

const udevCache = new Map<string, RegExp>();

/** udev KERNEL== globs: `*`, `?`, `[...]` and `|` alternatives, over the whole name. */
function udevGlob(pattern: string): RegExp {
  let re = udevCache.get(pattern);
  if (!re) {
    const alternatives = pattern.split('|').map((alt) =>
      alt
        .replace(/[.+^${}()\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')
        .replace(/\[!/g, '[^'),
    );
    re = new RegExp(`^(?:${alternatives.join('|')})$`);
    udevCache.set(pattern, re);
  }
  return re;
}
