import { decodeProgram, encodeProgram, SOCK_FILTER_SIZE, type SockFilter } from './bpf.js';

/**
 * The files snap-confine loads: raw `.bin` (snapd ≤ 2.62: `struct sock_filter[]`, or the text
 * `@unrestricted\n`) and `.bin2` (2.63+: a 128-byte header, then the allow and deny filters).
 */

export const BIN2_HEADER_SIZE = 128;
export const BIN2_VERSION = 1;
export const BIN2_FLAG_UNRESTRICTED = 0x01;
/** snap-confine refuses larger filters. */
export const MAX_FILTER_BYTES = 32 * 1024;
export const UNRESTRICTED_TEXT = '@unrestricted\n';

export interface SeccompFile {
  readonly format: 'bin' | 'bin2';
  readonly unrestricted: boolean;
  readonly allow: readonly SockFilter[];
  /** Always empty for `.bin`. */
  readonly deny: readonly SockFilter[];
}

export class SeccompFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeccompFileError';
  }
}

/** `struct sc_seccomp_file_header` followed by both programs, in the given byte order. */
export function encodeBin2(
  file: {
    readonly unrestricted: boolean;
    readonly allow: readonly SockFilter[];
    readonly deny: readonly SockFilter[];
  },
  littleEndian = true,
): Uint8Array {
  const allow = file.unrestricted ? new Uint8Array() : encodeProgram(file.allow, littleEndian);
  const deny = file.unrestricted ? new Uint8Array() : encodeProgram(file.deny, littleEndian);
  for (const [name, bytes] of [
    ['allow', allow],
    ['deny', deny],
  ] as const) {
    if (bytes.length > MAX_FILTER_BYTES) {
      throw new SeccompFileError(`${name} filter is ${bytes.length} bytes, more than ${MAX_FILTER_BYTES}`);
    }
  }
  const out = new Uint8Array(BIN2_HEADER_SIZE + allow.length + deny.length);
  const view = new DataView(out.buffer);
  out[0] = 'S'.charCodeAt(0);
  out[1] = 'C'.charCodeAt(0);
  out[2] = BIN2_VERSION;
  out[3] = file.unrestricted ? BIN2_FLAG_UNRESTRICTED : 0;
  view.setUint32(8, allow.length, littleEndian);
  view.setUint32(12, deny.length, littleEndian);
  out.set(allow, BIN2_HEADER_SIZE);
  out.set(deny, BIN2_HEADER_SIZE + allow.length);
  return out;
}

/** A raw `.bin`: the allow program only (deny rules cannot be expressed), or the unrestricted text. */
export function encodeBin(
  file: { readonly unrestricted: boolean; readonly allow: readonly SockFilter[] },
  littleEndian = true,
): Uint8Array {
  if (file.unrestricted) return new TextEncoder().encode(UNRESTRICTED_TEXT);
  const bytes = encodeProgram(file.allow, littleEndian);
  if (bytes.length > MAX_FILTER_BYTES) {
    throw new SeccompFileError(`filter is ${bytes.length} bytes, more than ${MAX_FILTER_BYTES}`);
  }
  return bytes;
}

function checkLength(name: string, length: number): void {
  if (length % SOCK_FILTER_SIZE !== 0) {
    throw new SeccompFileError(`${name} filter length ${length} is not a multiple of ${SOCK_FILTER_SIZE}`);
  }
  if (length > MAX_FILTER_BYTES) {
    throw new SeccompFileError(`${name} filter length ${length} is more than ${MAX_FILTER_BYTES}`);
  }
}

/** Reads either format with the checks snap-confine makes; throws SeccompFileError. */
export function decodeSeccompFile(bytes: Uint8Array, littleEndian = true): SeccompFile {
  if (bytes.length >= 2 && bytes[0] === 0x53 && bytes[1] === 0x43) {
    if (bytes.length < BIN2_HEADER_SIZE) {
      throw new SeccompFileError(
        `file is ${bytes.length} bytes, shorter than the ${BIN2_HEADER_SIZE}-byte header`,
      );
    }
    if (bytes[2] !== BIN2_VERSION) throw new SeccompFileError(`unsupported header version ${bytes[2]}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const unrestricted = ((bytes[3] ?? 0) & BIN2_FLAG_UNRESTRICTED) !== 0;
    const allowLength = view.getUint32(8, littleEndian);
    const denyLength = view.getUint32(12, littleEndian);
    checkLength('allow', allowLength);
    checkLength('deny', denyLength);
    if (bytes.length !== BIN2_HEADER_SIZE + allowLength + denyLength) {
      throw new SeccompFileError(
        `file is ${bytes.length} bytes, header says ${BIN2_HEADER_SIZE} + ${allowLength} + ${denyLength}`,
      );
    }
    if (!unrestricted && (allowLength === 0 || denyLength === 0)) {
      throw new SeccompFileError('empty filter in a restricted profile');
    }
    const allowEnd = BIN2_HEADER_SIZE + allowLength;
    return {
      format: 'bin2',
      unrestricted,
      allow: decodeProgram(bytes.subarray(BIN2_HEADER_SIZE, allowEnd), littleEndian),
      deny: decodeProgram(bytes.subarray(allowEnd), littleEndian),
    };
  }
  if (new TextDecoder().decode(bytes) === UNRESTRICTED_TEXT) {
    return { format: 'bin', unrestricted: true, allow: [], deny: [] };
  }
  if (bytes.length === 0) throw new SeccompFileError('file is empty');
  checkLength('BPF', bytes.length);
  return { format: 'bin', unrestricted: false, allow: decodeProgram(bytes, littleEndian), deny: [] };
}
