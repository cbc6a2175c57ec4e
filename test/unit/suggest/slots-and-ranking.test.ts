import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { evaluate, loadRules, suggest } from '../../../src/suggest/index.js';

const rules = loadRules();
const rule = (id: string) => {
  const found = rules.interfaces.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};

function denialOf(line: string): Denial {
  const parsed = parseLine(line);
  if (parsed.kind !== 'denial') throw new Error(`not a denial: ${line}`);
  return parsed.denial;
}

const fileLine = (profile: string, path: string, mask: string, op = 'open', ouid = 0) =>
  `audit: type=1400 audit(1700000000.100:100): apparmor="DENIED" operation="${op}" class="file" profile="${profile}" name="${path}" pid=2345 comm="x" requested_mask="${mask}" denied_mask="${mask}" fsuid=0 ouid=${ouid}`;

describe('implicit_slot from the data', () => {
  it("says who provides each interface's slot on a classic distro", () => {
    expect(rule('home').implicitSlot).toBe('system');
    expect(rule('wayland').implicitSlot).toBe('system');
    expect(rule('mpris').implicitSlot).toBe('app');
    expect(rule('serial-port').implicitSlot).toBe('gadget');
    expect(rule('usb-gadget').implicitSlot).toBe('core');
  });

  it('names where the slot must come from when it is not the system', () => {
    const out = suggest(denialOf(fileLine('snap.demo.app', '/dev/ttyUSB0', 'rw')), rules);
    const serial = out.find((s) => s.id === 'serial-port');
    expect(serial?.text).toBe(
      "or add 'serial-port' to 'plugs' (its slot must come from a gadget snap or a hotplugged device)",
    );
  });
});

describe('slot side: the snap is the service', () => {
  it("suggests declaring the wayland slot for a compositor's socket lock", () => {
    // real: https://github.com/canonical/snapd/pull/5954
    const d = denialOf(
      fileLine('snap.mir-kiosk.mir-kiosk', '/run/user/0/wayland-0.lock', 'k', 'file_lock', 0),
    );
    const [first] = suggest(d, rules);
    expect(first).toMatchObject({ kind: 'interface', id: 'wayland', slotsLine: 'slots: [wayland]' });
    expect(first?.plugsLine).toBeUndefined();
    expect(first?.command).toBeUndefined();
    expect(first?.text).toBe(
      "add 'wayland' to 'slots': the snap provides the wayland service itself (slots: [wayland])",
    );
    expect(first?.reason).toMatch(
      /^slot-side file rule "owner \/run\/user\/\[0-9\]\*\/wayland-\[0-9\]\* rwk"/,
    );
    // The plug side still does not grant it: evaluate() lists plug matches only.
    expect(evaluate(d, rules).interfaces).not.toContain('wayland');
  });

  it("suggests the mpris slot for binding the player's own MPRIS name, not another's", () => {
    const bind = (label: string, name: string) =>
      denialOf(
        `dbus-daemon[1349]: apparmor="DENIED" operation="dbus_bind"  bus="session" name="${name}" mask="bind" pid=6014 label="${label}"`,
      );
    const own = suggest(bind('snap.tidal-hifi.tidal-hifi', 'org.mpris.MediaPlayer2.tidal-hifi'), rules);
    expect(own[0]?.id).toBe('mpris');
    const other = suggest(bind('snap.tidal-hifi.tidal-hifi', 'org.mpris.MediaPlayer2.vlc'), rules);
    expect(other.map((s) => s.id)).not.toContain('mpris');
  });

  it('does not offer the slot when a plug already answers the access', () => {
    const client = denialOf(fileLine('snap.demo.app', '/run/user/1000/wayland-0', 'rw', 'open', 1000));
    const out = suggest({ ...client, fsuid: 1000 }, rules);
    expect(out[0]?.text).toBe("add 'wayland' to 'plugs'");
  });
});

describe('ranking', () => {
  it('prefers a read-only -observe interface for a read that several grant equally', () => {
    // real: https://github.com/hishamhm/htop/issues/962
    const d = denialOf(fileLine('snap.htop.htop', '/proc/tty/drivers', 'r'));
    const ids = suggest(d, rules).map((s) => s.id);
    expect(ids[0]).toBe('system-observe');
    expect(evaluate(d, rules).interfaces).toEqual(
      expect.arrayContaining(['modem-manager', 'ppp', 'raw-usb', 'system-observe']),
    );
  });

  it('lets an auto-connected interface keep the lead over an -observe one', () => {
    const d = denialOf(fileLine('snap.demo.app', '/etc/host.conf', 'r'));
    expect(suggest(d, rules)[0]?.id).toBe('network');
  });

  it("lists the snap's own service interface although it needs a review (lxd, lxd-support)", () => {
    const line = fileLine('snap.lxd.lxc', '/proc/8773/attr/current', 'r');
    expect(suggest(denialOf(line), rules).map((s) => s.id)).toContain('lxd-support');
    const other = fileLine('snap.demo.app', '/proc/8773/attr/current', 'r');
    expect(suggest(denialOf(other), rules).map((s) => s.id)).not.toContain('lxd-support');
  });
});

describe('harmless probes and a snap’s own interface', () => {
  it("calls GnuTLS's system config a probe, unless the snap's own interface grants it", () => {
    // real: https://github.com/fwupd/fwupd/issues/6678 and https://github.com/canonical/snapd/pull/14079
    const firmware = suggest(
      denialOf(fileLine('snap.gnome-firmware.gnome-firmware', '/etc/gnutls/config', 'r')),
      rules,
    );
    expect(firmware.map((s) => s.id)).toEqual(['harmless-probe']);
    const nmcli = suggest(denialOf(fileLine('snap.network-manager.nmcli', '/etc/gnutls/config', 'r')), rules);
    expect(nmcli[0]?.id).toBe('network-manager');
    expect(nmcli.map((s) => s.id)).not.toContain('harmless-probe');
  });
});
