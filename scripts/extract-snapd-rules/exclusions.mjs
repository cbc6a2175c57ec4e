// Hand decisions the static reader cannot make. Each entry names the snapd fact behind it.

/** Snippet constants referenced by a *ConnectedPlug method but not used on a classic distro with a system slot. */
export const SNIPPET_EXCLUSIONS = {
  // only added when the slot is provided by a snap, not by the system
  'audio-playback': ['audioPlaybackConnectedPlugAppArmorCore'],
  pulseaudio: ['pulseaudioConnectedPlugAppArmorCore'],
  pipewire: ['pipewireConnectedPlugAppArmorCore'],
  // added only on Ubuntu Core (!release.OnClassic)
  wayland: ['waylandConnectedPlugEglstreamAppArmor'],
  // privileged-containers: true only; Core-only snippet
  'docker-support': [
    'dockerSupportPrivilegedAppArmor',
    'dockerSupportPrivilegedSecComp',
    'dockerSupportConnectedPlugAppArmorCore',
  ],
  // flavor: no-container only
  'greengrass-support': ['greengrassSupportProcessModeConnectedPlugAppArmor'],
  // read: all only
  home: ['homeConnectedPlugAppArmorWithAllRead'],
  // allow-sandbox: true only
  'browser-support': [
    'browserSupportConnectedPlugAppArmorWithSandbox',
    'browserSupportConnectedPlugAppArmorWithSandboxUserNS',
    'browserSupportConnectedPlugSecCompWithSandbox',
  ],
  // allow-partitions: true only
  'block-devices': ['blockDevicesPartitionsConnectedPlugAppArmor'],
  // user-identity-switching: true only
  'microceph-support': [
    'microcephSupportConnectedPlugAppArmorUserIdentitySwitching',
    'microcephSupportConnectedPlugSecCompUserIdentitySwitching',
  ],
};

/** Interfaces the index lists with a snippet that get no file (kept in step with the schema test). */
export const NO_FILE = {
  'audio-record': 'its AppArmor snippet is only a comment: the sound server checks the connection itself',
  'posix-mq':
    'its policy is AppArmor mqueue rules built entirely from slot attributes; the schema has no mqueue class',
};

/** Text substituted for template markers that snapd fills at run time with a fixed default. */
export const TEMPLATE_DEFAULTS = {
  // daemon-notify: NOTIFY_SOCKET unset in snapd's environment
  '{{notify-socket-rule}}': '"/run/systemd/notify" w',
};

const SLOT_NOTE =
  'The device path comes from the slot (a gadget or device snap); the rules show every path snapd accepts for it.';
const file = (path, perms, extra = {}) => ({ path, perms, ...extra });

/**
 * Fields set by hand over the extracted ones. Slot-attribute interfaces get the widest path
 * their slot validation accepts (interfaces/builtin/*.go *Pattern regexps) so a denial on such
 * a device can name them; plug-attribute interfaces list `attributes` (the suggestion engine
 * does not offer them as a plain plug) and rules carrying `attribute`.
 */
export const FILE_OVERRIDES = {
  'serial-port': {
    notes: SLOT_NOTE,
    apparmor_file: [
      file('/dev/tty{mxc,USB,ACM,AMA,XRUSB,S,O,SC,MSM,HS,GS,LP,RPMSG,MAX}[0-9]*', 'rwk'),
      file('/dev/serial-port-*', 'rwk'),
    ],
    devices: [{ subsystem: 'tty', kernel: 'tty{mxc,USB,ACM,AMA,XRUSB,S,O,SC,MSM,HS,GS,LP,RPMSG,MAX}[0-9]*' }],
  },
  hidraw: {
    notes: SLOT_NOTE,
    apparmor_file: [file('/dev/hidraw[0-9]*', 'rw'), file('/dev/hidraw-*', 'rw')],
    devices: [{ subsystem: 'hidraw', kernel: 'hidraw[0-9]*' }],
  },
  i2c: {
    notes: SLOT_NOTE + ' A slot may name a sysfs device instead (/sys/bus/i2c/devices/NAME/**).',
    apparmor_file: [file('/dev/i2c-[0-9]*', 'rw'), file('/sys/bus/i2c/devices/*/**', 'rw')],
    devices: [{ kernel: 'i2c-[0-9]*' }],
  },
  spi: {
    notes: SLOT_NOTE,
    apparmor_file: [file('/dev/spidev[0-9]*.[0-9]*', 'rw')],
    devices: [{ kernel: 'spidev[0-9]*.[0-9]*' }],
  },
  iio: {
    notes: SLOT_NOTE,
    apparmor_file: [
      file('/dev/iio:device[0-9]*', 'rw'),
      file('/sys/bus/iio/devices/iio:device[0-9]*/{,**}', 'rwk'),
    ],
    devices: [{ kernel: 'iio:device[0-9]*' }],
  },
  uio: {
    notes: SLOT_NOTE,
    apparmor_file: [file('/dev/uio[0-9]*', 'rw')],
    devices: [{ subsystem: 'uio', kernel: 'uio[0-9]*' }],
  },
  gpio: {
    notes: 'The GPIO number comes from the slot; snapd exports it and grants its sysfs directory.',
    apparmor_file: [
      file('/sys/devices/**/gpio/gpio[0-9]*/*', 'rwk'),
      file('/sys/class/gpio/gpio[0-9]*/*', 'rwk'),
    ],
  },
  pwm: {
    notes:
      'The PWM chip and channel come from the slot; snapd exports the channel and grants its sysfs directory.',
    apparmor_file: [
      file('/sys/devices/**/pwm/pwmchip[0-9]*/pwm[0-9]*/*', 'rwk'),
      file('/sys/class/pwm/pwmchip[0-9]*/pwm[0-9]*/*', 'rwk'),
    ],
  },
  'bool-file': {
    notes: 'The file comes from the slot: a GPIO value or an LED brightness file.',
    apparmor_file: [
      file('/sys/class/gpio/gpio[0-9]*/value', 'rwk'),
      file('/sys/class/leds/*/brightness', 'rwk'),
      file('/sys/class/leds/*/{trigger,delay_on,delay_off}', 'rw'),
    ],
  },
  'raw-volume': {
    notes: SLOT_NOTE,
    apparmor_file: [
      file('/dev/{hd,sd,vd}[a-z]*[0-9]*', 'rw'),
      file('/dev/mmcblk[0-9]*p[0-9]*', 'rw'),
      file('/dev/nvme[0-9]*n[0-9]*p[0-9]*', 'rw'),
      file('/dev/i2o/hd[a-z]*[0-9]*', 'rw'),
    ],
  },
  'personal-files': {
    attributes: ['read', 'write'],
    notes: 'Grants exactly the $HOME paths listed in the plug (owner rules, path plus everything below it).',
    apparmor_file: [
      file('@{HOME}/.*{,/,/**}', 'rk', { owner: true, attribute: 'read' }),
      file('@{HOME}/.*{,/,/**}', 'rwlk', { owner: true, attribute: 'write' }),
    ],
  },
  'system-files': {
    attributes: ['read', 'write'],
    notes: 'Grants exactly the paths outside $HOME listed in the plug (path plus everything below it).',
    apparmor_file: [file('/**', 'rk', { attribute: 'read' }), file('/**', 'rwlk', { attribute: 'write' })],
  },
  content: {
    attributes: ['target'],
    notes:
      'The slot directory is bind-mounted at the plug target by snap-update-ns; only directories the slot lists under write also get direct rules (the provider $SNAP_DATA/$SNAP_COMMON paths, for sockets).',
    apparmor_file: [file('/var/snap/*/**', 'rwlkmx', { attribute: 'write' })],
  },
  dbus: {
    attributes: ['bus', 'name'],
    notes:
      'Talks only to the well-known name and bus the plug and slot name (peer label unconfined for a system slot).',
    apparmor_dbus: [{ access: 'send receive', peer_name: '*', peer_label: 'unconfined', attribute: 'name' }],
  },
  'shared-memory': {
    attributes: ['shared-memory', 'private'],
    notes:
      'Grants the /dev/shm names the slot lists; with private: true the snap gets its own /dev/shm and every file in it (the /dev/shm/** rule).',
  },
  'gpio-chardev': {
    notes:
      'The chip and lines come from the slot; snapd exposes them as a virtual character device under /dev/snap/gpio-chardev/SLOT_SNAP/SLOT.',
    apparmor_file: [file('/dev/snap/gpio-chardev/*/*', 'rwk'), file('/dev/snap/gpio-chardev/*/{,*}', 'r')],
  },
  'mediatek-accel': {
    attributes: ['units'],
    notes: 'Grants the device nodes of the accelerator units the plug lists (apu, vcu).',
    apparmor_file: [
      file('/dev/apusys', 'rw', { attribute: 'units' }),
      file('/dev/vcu', 'rw', { attribute: 'units' }),
      file('/dev/vcu[0-9]*', 'rw', { attribute: 'units' }),
    ],
    devices: [
      { subsystem: 'misc', kernel: 'apusys' },
      { subsystem: 'vcu', kernel: 'vcu' },
      { subsystem: 'vcu[0-9]*', kernel: 'vcu[0-9]*' },
    ],
  },
  pkcs11: {
    notes: 'The p11-kit server socket path comes from the slot and always lies under /run/p11-kit.',
    apparmor_file: [file('/{,var/}run/p11-kit/*', 'rw')],
  },
  'custom-device': {
    attributes: ['custom-device'],
    notes:
      'Device nodes (devices, read-only) and files (files.read, files.write) come from the slot of a gadget or device snap.',
    apparmor_file: [
      file('/dev/**', 'rwk', { attribute: 'devices' }),
      file('/dev/**', 'r', { attribute: 'read-only' }),
      file('/{,**}', 'r', { attribute: 'files' }),
      file('/{,**}', 'rw', { attribute: 'files' }),
    ],
  },
  'mount-control': {
    attributes: ['mount'],
    notes: 'Mount rules are built from the plug mount attribute (what, where, type, options).',
  },
};
