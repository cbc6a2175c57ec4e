import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { snapConnections } from '../launch/connected.js';
import { readDeviceInventory } from '../launch/device-inventory.js';
import { snapForCommand } from '../launch/snap-arg.js';
import { parseSnapApp } from '../launch/run-support.js';
import { securityTag } from '../model/label.js';
import { deviceAllowList, DEFAULT_DEVICES } from '../snap/policy.js';
import { loadRules } from '../suggest/load.js';
import type { InterfaceRule } from '../suggest/rules.js';
import type { CommandMain } from './types.js';
import { UsageError } from './types.js';
import { parseCommandArgs } from './args.js';

const UDEV_RULES_DIR = '/etc/udev/rules.d';

/** Device nodes tagged for the app in the udev database (/run/udev/data/cM:m holds `G:TAG` lines). */
function udevTagged(tag: string): string[] {
  const dir = '/run/udev/data';
  if (!existsSync(dir)) return [];
  const want = tag.replace(/\./g, '_');
  return readdirSync(dir).filter((entry) => {
    if (!/^[bc]\d+:\d+$/.test(entry)) return false;
    try {
      return readFileSync(`${dir}/${entry}`, 'utf8')
        .split('\n')
        .some((l) => l === `G:${want}` || l === `Q:${want}`);
    } catch {
      return false;
    }
  });
}

export const main: CommandMain = async (argv, io) => {
  const { values, positionals } = parseCommandArgs('devices', argv, {
    snap: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(
      'Usage: snappy-debug devices [--snap PATH] SNAP.APP\n\n' +
        "Does the device checks the snap docs ask for by hand: the snap's udev rules file, the devices\n" +
        'udev tagged for the app, and the device cgroup allow list snappy-debug run would use.\n',
    );
    return 0;
  }
  const [target, extra] = positionals;
  if (target === undefined || extra !== undefined)
    throw new UsageError('devices: exactly one SNAP.APP is needed');
  const ref = parseSnapApp(target);
  if (ref === undefined) throw new UsageError(`devices: "${target}" is not SNAP.APP`);
  const snap = await snapForCommand('devices', ref.snap, values.snap);
  const app = snap.meta.apps.get(ref.app);
  if (app === undefined) throw new UsageError(`devices: snap "${ref.snap}" has no app "${ref.app}"`, 1);
  const tag = securityTag(ref.snap, { app: ref.app });
  const rules = loadRules();
  const { plugs } = await snapConnections(snap.meta, rules);
  const appPlugs = new Set([...snap.meta.plugs.keys(), ...app.plugs]);
  const connected: InterfaceRule[] = plugs
    .filter((p) => p.connected && appPlugs.has(p.plug))
    .map((p) => rules.byId.get(p.interface))
    .filter((r): r is InterfaceRule => r !== undefined);
  const rulesFile = `${UDEV_RULES_DIR}/70-snap.${ref.snap}.rules`;
  io.stdout.write(`udev rules file: ${rulesFile} ${existsSync(rulesFile) ? 'present' : 'absent'}\n`);
  const tagged = udevTagged(tag);
  io.stdout.write(
    `udev tag ${tag.replace(/\./g, '_')}: ${tagged.length > 0 ? tagged.join(' ') : existsSync('/run/udev/data') ? 'no device tagged' : 'no udev database on this system'}\n`,
  );
  const interfaces = connected.filter((r) => r.devices.length > 0);
  io.stdout.write(
    `connected interfaces that grant devices: ${interfaces.map((r) => r.id).join(', ') || 'none'}\n`,
  );
  io.stdout.write(`device cgroup allow list for ${tag}:\n`);
  for (const rule of deviceAllowList(connected, readDeviceInventory())) {
    const minor = rule.minor === '*' ? '*' : String(rule.minor);
    io.stdout.write(
      `  ${rule.type} ${rule.major}:${minor} ${rule.name ?? ''} (${rule.origin})\n`.replace(/ +\(/, ' ('),
    );
  }
  const unmatched = interfaces.filter(
    (r) => deviceAllowList([r], readDeviceInventory()).length === DEFAULT_DEVICES.length,
  );
  for (const r of unmatched)
    io.stdout.write(`note: ${r.id} is connected but no device on this system matches its udev patterns\n`);
  return 0;
};
