import type { DeviceFields } from '../model/denial.js';

/** What udev would call a device: its kernel name (sysfs name, no directory) and subsystem. */
export interface DeviceIdentity {
  readonly kernel?: string;
  readonly subsystem?: string;
}

type Namer = (minor: number) => string | undefined;

/** Character-device majors with fixed meanings (Documentation/admin-guide/devices.txt). */
const CHAR_MAJORS: Readonly<Record<number, { readonly subsystem: string; readonly name: Namer }>> = {
  1: {
    subsystem: 'mem',
    name: (m) =>
      ['', 'mem', 'kmem', 'null', 'port', 'zero', '', 'full', 'random', 'urandom', '', 'kmsg'][m] ||
      undefined,
  },
  4: { subsystem: 'tty', name: (m) => (m < 64 ? `tty${m}` : `ttyS${m - 64}`) },
  5: { subsystem: 'tty', name: (m) => ['tty', 'console', 'ptmx'][m] },
  10: { subsystem: 'misc', name: (m) => MISC_MINORS[m] },
  13: {
    subsystem: 'input',
    name: (m) => (m >= 64 ? `event${m - 64}` : m === 63 ? 'mice' : m >= 32 ? `mouse${m - 32}` : `js${m}`),
  },
  29: { subsystem: 'graphics', name: (m) => `fb${m}` },
  81: { subsystem: 'video4linux', name: (m) => `video${m}` },
  89: { subsystem: 'i2c-dev', name: (m) => `i2c-${m}` },
  108: { subsystem: 'ppp', name: () => 'ppp' },
  116: { subsystem: 'sound', name: () => undefined },
  166: { subsystem: 'tty', name: (m) => `ttyACM${m}` },
  180: { subsystem: 'usbmisc', name: (m) => (m >= 96 ? `hiddev${m - 96}` : undefined) },
  188: { subsystem: 'tty', name: (m) => `ttyUSB${m}` },
  189: { subsystem: 'usb', name: () => undefined },
  195: {
    subsystem: 'nvidia',
    name: (m) => (m === 255 ? 'nvidiactl' : m === 254 ? 'nvidia-modeset' : `nvidia${m}`),
  },
  226: { subsystem: 'drm', name: (m) => (m >= 128 ? `renderD${m}` : `card${m}`) },
};

const MISC_MINORS: Readonly<Record<number, string>> = {
  130: 'watchdog',
  183: 'hwrng',
  200: 'tun',
  223: 'uinput',
  224: 'tpm0',
  227: 'mcelog',
  228: 'hpet',
  229: 'fuse',
  231: 'snapshot',
  232: 'kvm',
  235: 'autofs',
  236: 'control',
  237: 'loop-control',
};

const BLOCK_MAJORS: Readonly<Record<number, Namer>> = {
  7: (m) => `loop${m}`,
  8: (m) => `sd${String.fromCharCode(97 + Math.floor(m / 16))}${m % 16 || ''}`,
  179: (m) => `mmcblk${Math.floor(m / 8)}${m % 8 ? `p${m % 8}` : ''}`,
};

export function deviceIdentity(device: DeviceFields): DeviceIdentity {
  const fromPath = device.name?.replace(/^.*\//, '') || undefined;
  if (device.type === 'b') {
    return {
      subsystem: 'block',
      ...((fromPath ?? BLOCK_MAJORS[device.major]?.(device.minor))
        ? { kernel: fromPath ?? BLOCK_MAJORS[device.major]!(device.minor) }
        : {}),
    };
  }
  const known = CHAR_MAJORS[device.major];
  const kernel = fromPath ?? known?.name(device.minor);
  return { ...(kernel ? { kernel } : {}), ...(known ? { subsystem: known.subsystem } : {}) };
}

/** The /dev path of a device when it can be known. */
export function devicePath(device: DeviceFields): string | undefined {
  if (device.name) return device.name.startsWith('/') ? device.name : `/dev/${device.name}`;
  const { kernel } = deviceIdentity(device);
  return kernel ? `/dev/${kernel}` : undefined;
}
