// Values of the AppArmor tunables that abstractions use but snapd's profiles do not define
// themselves (Debian 12's apparmor 3.0 tunables/). Multi-valued variables become {a,b}.
const TUNABLES = {
  run: ['/run', '/var/run'],
  sys: ['/sys'],
  etc_ro: ['/etc', '/usr/etc'],
  etc_rw: ['/etc'],
  HOMEDIRS: ['/home'],
  flatpak_exports_root: ['flatpak/exports', 'flatpak/{app,runtime}/*/*/*/*/export'],
  system_share_dirs: ['/usr/share', '/usr/local/share', '/var/lib/flatpak/exports/share'],
  user_share_dirs: ['@{HOME}/.local/share'],
  XDG_DESKTOP_DIR: ['Desktop'],
  XDG_DOWNLOAD_DIR: ['Downloads'],
  XDG_TEMPLATES_DIR: ['Templates'],
  XDG_PUBLICSHARE_DIR: ['Public'],
  XDG_DOCUMENTS_DIR: ['Documents'],
  XDG_MUSIC_DIR: ['Music'],
  XDG_PICTURES_DIR: ['Pictures'],
  XDG_VIDEOS_DIR: ['Videos'],
};

export function expandTunables(path) {
  return path
    .replace(/@\{(\w+)\}/g, (whole, name) => {
      const values = TUNABLES[name];
      if (!values) return whole;
      return values.length === 1 ? values[0] : `{${values.join(',')}}`;
    })
    .replace(/\/\/+/g, '/');
}
