import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM build script without type declarations
import { parseGoFile } from '../../../scripts/extract-snapd-rules/go-source.mjs';
// @ts-expect-error: plain ESM build script without type declarations
import { appSlotPolicy, implicitSlot } from '../../../scripts/extract-snapd-rules/slots.mjs';

type Go = unknown;
const parse = parseGoFile as (text: string) => Go;
const slotOf = implicitSlot as (go: Go) => string;
const slotPolicy = appSlotPolicy as (
  go: Go,
  options: { abstractions?: string },
  warn: (m: string) => void,
) => { file: { path: string; perms: string; owner?: boolean }[]; dbus: { name?: string }[] } | undefined;

/** A Go source in the shape of snapd's interfaces/builtin files. */
function goSource(slotTypes: readonly string[] | 'declaration-only', extra = ''): string {
  const installation =
    slotTypes === 'declaration-only'
      ? '    allow-installation: false'
      : ['    allow-installation:', '      slot-snap-type:', ...slotTypes.map((t) => `        - ${t}`)].join('\n');
  return [
    'package builtin',
    'const demoBaseDeclarationSlots = `',
    '  demo:',
    installation,
    '    deny-auto-connection: true',
    '`',
    extra,
    'func init() {',
    '\tregisterIface(&demoInterface{commonInterface{',
    '\t\tname:                 "demo",',
    '\t\tbaseDeclarationSlots: demoBaseDeclarationSlots,',
    '\t}})',
    '}',
  ].join('\n');
}

describe('extractor: implicit_slot', () => {
  it('is system when snapd provides the slot on classic', () => {
    const text = goSource(['app', 'core']).replace('name:', 'implicitOnClassic: true,\n\t\tname:');
    expect(slotOf(parse(text))).toBe('system');
  });

  it('is app when app snaps may hold it, or only a declaration allows it', () => {
    expect(slotOf(parse(goSource(['app'])))).toBe('app');
    expect(slotOf(parse(goSource('declaration-only')))).toBe('app');
  });

  it('is gadget for gadget (or hotplug) slots and core for Ubuntu Core only', () => {
    expect(slotOf(parse(goSource(['core', 'gadget'])))).toBe('gadget');
    expect(slotOf(parse(goSource(['core'])))).toBe('core');
  });

  it('ignores implicitOnClassic in a comment', () => {
    const text = goSource(['core']).replace('func init', "// set 'implicitOnClassic: true' by only\nfunc init");
    expect(slotOf(parse(text))).toBe('core');
  });
});

describe('extractor: slot_apparmor', () => {
  const snippet = [
    'const demoPermanentSlotAppArmor = `',
    'owner /run/user/[0-9]*/demo-[0-9]* rwk,',
    'dbus (bind)',
    '    bus=session',
    '    name="org.mpris.MediaPlayer2.###MPRIS_NAME###{,.*}",',
    '`',
    'func (iface *demoInterface) AppArmorPermanentSlot(spec *apparmor.Specification, slot *snap.SlotInfo) error {',
    '\tspec.AddSnippet(demoPermanentSlotAppArmor)',
    '\treturn nil',
    '}',
  ].join('\n');

  it("reads the permanent-slot snippet, with the snap's own name for MPRIS_NAME", () => {
    const policy = slotPolicy(parse(goSource(['app', 'core'], snippet)), {}, () => {});
    expect(policy?.file).toEqual([{ path: '/run/user/[0-9]*/demo-[0-9]*', perms: 'rwk', owner: true }]);
    expect(policy?.dbus.map((d) => d.name)).toEqual(['org.mpris.MediaPlayer2.@{SNAP_INSTANCE_NAME}{,.*}']);
  });

  it('keeps nothing when no app snap may hold the slot', () => {
    expect(slotPolicy(parse(goSource(['core'], snippet)), {}, () => {})).toBeUndefined();
  });

  it('keeps nothing built from other slot attributes', () => {
    const fromAttributes = snippet.replace('###MPRIS_NAME###', '###DBUS_NAME###');
    expect(slotPolicy(parse(goSource(['app'], fromAttributes)), {}, () => {})).toBeUndefined();
  });
});
