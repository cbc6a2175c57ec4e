import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDeviceInventory } from '../../../src/launch/device-inventory.js';
import type { DeviceNode } from '../../../src/snap/policy.js';

/** The plain way: `dev` for the numbers, then `uevent` for DEVNAME (what the inventory used to do). */
function byDevThenUevent(sysClass: string): DeviceNode[] {
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const nodes: DeviceNode[] = [];
  for (const subsystem of readdirSync(sysClass)) {
    let names: string[];
    try {
      names = readdirSync(`${sysClass}/${subsystem}`);
    } catch {
      continue;
    }
    for (const kernel of names) {
      const m = /^(\d+):(\d+)$/.exec(read(`${sysClass}/${subsystem}/${kernel}/dev`)?.trim() ?? '');
      if (!m) continue;
      const uevent = read(`${sysClass}/${subsystem}/${kernel}/uevent`) ?? '';
      const devname = /^DEVNAME=(.+)$/m.exec(uevent)?.[1] ?? kernel;
      const type = subsystem === 'block' ? 'b' : 'c';
      nodes.push({ subsystem, kernel, devname, type, major: Number(m[1]), minor: Number(m[2]) });
    }
  }
  return nodes;
}

const work = mkdtempSync(join(tmpdir(), 'snappy-debug-inventory.'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function entry(path: string, files: Record<string, string>): void {
  mkdirSync(join(work, path), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(work, path, name), text);
}

describe('readDeviceInventory', () => {
  it('finds on this machine exactly the nodes that reading dev, then uevent, finds', () => {
    const nodes = readDeviceInventory();
    expect(nodes.length).toBeGreaterThan(5);
    expect(nodes).toEqual(byDevThenUevent('/sys/class'));
    expect(nodes).toContainEqual(
      expect.objectContaining({ kernel: 'null', major: 1, minor: 3, devname: 'null' }),
    );
  });

  it('reads MAJOR, MINOR and DEVNAME from uevent, falls back to dev, skips what is no device', () => {
    entry('misc/tun', { dev: '10:200\n', uevent: 'MAJOR=10\nMINOR=200\nDEVNAME=net/tun\n' });
    entry('misc/plain', { dev: '10:1\n', uevent: 'MAJOR=10\nMINOR=1\n' });
    entry('misc/no-uevent', { dev: '10:2\n' });
    entry('net/eth0', { uevent: 'INTERFACE=eth0\nIFINDEX=2\n' });
    entry('block/loop0', {
      dev: '7:0\n',
      uevent: `MAJOR=7\nMINOR=0\nDEVNAME=loop0\nDEVTYPE=disk\n${'X=y\n'.repeat(2000)}`,
    });
    entry('empty/x', {});
    writeFileSync(join(work, 'not-a-dir'), '');
    const sorted = (nodes: DeviceNode[]): DeviceNode[] =>
      [...nodes].sort((a, b) => `${a.subsystem}/${a.kernel}`.localeCompare(`${b.subsystem}/${b.kernel}`));
    const nodes = readDeviceInventory(work);
    expect(sorted(nodes)).toEqual([
      { subsystem: 'block', kernel: 'loop0', devname: 'loop0', type: 'b', major: 7, minor: 0 },
      { subsystem: 'misc', kernel: 'no-uevent', devname: 'no-uevent', type: 'c', major: 10, minor: 2 },
      { subsystem: 'misc', kernel: 'plain', devname: 'plain', type: 'c', major: 10, minor: 1 },
      { subsystem: 'misc', kernel: 'tun', devname: 'net/tun', type: 'c', major: 10, minor: 200 },
    ]);
    expect(nodes).toEqual(byDevThenUevent(work));
    expect(readDeviceInventory(join(work, 'missing'))).toEqual([]);
  });
});
