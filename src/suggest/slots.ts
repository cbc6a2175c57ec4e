/**
 * Interfaces whose slot snapd does not provide on a classic system: it must come from a gadget,
 * a device snap or another app snap (base declaration: slot-snap-type app/gadget only, or
 * hotplug). Plugging one helps only where such a slot exists, so they rank after interfaces the
 * system itself offers.
 *
 * This belongs in rules/interfaces (an `implicit_slot` field); until the data carries it, the
 * list lives here.
 */
export const SLOT_FROM_ANOTHER_SNAP: ReadonlySet<string> = new Set([
  'bool-file',
  'content',
  'custom-device',
  'dbus',
  'docker',
  'gpio',
  'gpio-chardev',
  'hidraw',
  'i2c',
  'iio',
  'location-control',
  'location-observe',
  'lxd',
  'maliit',
  'media-hub',
  'mir',
  'mpris',
  'netlink-driver',
  'online-accounts-service',
  'posix-mq',
  'pwm',
  'raw-volume',
  'serial-port',
  'spi',
  'storage-framework-service',
  'thumbnailer-service',
  'ubuntu-download-manager',
  'uio',
  'unity8',
  'unity8-calendar',
  'unity8-contacts',
]);
