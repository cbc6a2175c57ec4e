// Seccomp snippet lines and udev match rules of an interface's plug side.

/** Rule lines exactly as written, without comments, blank lines or attribute placeholders. */
export function parseSeccomp(text) {
  const lines = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/\s+/g, ' ');
    if (line === '' || line.startsWith('#') || /###|%[sdv]/.test(line)) continue;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}

const UDEV_KEY = /([A-Z]+)(?:\{([^}]+)\})?\s*==\s*"([^"]*)"/g;

/** `KERNEL=="x", SUBSYSTEM=="y", ATTRS{idVendor}=="z"` → {kernel, subsystem, attrs}. */
export function parseUdev(rules, warn) {
  const devices = [];
  const lines = rules.flatMap((r) => r.split('\n')).map((r) => r.trim());
  for (const rule of lines) {
    if (rule === '' || rule.startsWith('#')) continue;
    if (/%[sdv]|###/.test(rule)) {
      warn(`skipped udev rule built from attributes: ${rule}`);
      continue;
    }
    const device = {};
    for (const m of rule.matchAll(UDEV_KEY)) {
      const [, key, sub, value] = m;
      if (key === 'KERNEL') device.kernel = value;
      else if (key === 'KERNELS') device.kernels = value;
      else if (key === 'SUBSYSTEM') device.subsystem = value;
      else if (key === 'SUBSYSTEMS') device.subsystems = value;
      else if (key === 'DRIVERS' || key === 'DRIVER') device.driver = value;
      else if (key === 'ATTRS' || key === 'ATTR') device.attrs = { ...device.attrs, [sub]: value };
      else if (key === 'ENV') device.env = { ...device.env, [sub]: value };
      else warn(`udev key ${key} ignored in: ${rule}`);
    }
    if (Object.keys(device).length === 0) warn(`udev rule without match keys: ${rule}`);
    else if (!devices.some((d) => JSON.stringify(d) === JSON.stringify(device))) devices.push(device);
  }
  return devices;
}
