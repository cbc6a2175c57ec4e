// Hand decisions the static reader cannot make. Each entry names the snapd constant and why.

/** Snippet constants referenced by a *ConnectedPlug method but not used on a classic distro with a system slot. */
export const SNIPPET_EXCLUSIONS = {
  // only added when the slot is provided by a snap, not by the system
  'audio-playback': ['audioPlaybackConnectedPlugAppArmorCore'],
  pulseaudio: ['pulseaudioConnectedPlugAppArmorCore'],
  pipewire: ['pipewireConnectedPlugAppArmorCore'],
};

/** Fields set by hand over the extracted ones (attributes a plug must declare, ...). */
export const FILE_OVERRIDES = {};
