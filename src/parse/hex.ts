/** The kernel's hex encoding of untrusted strings (audit_log_n_hex: upper-case, two digits a byte). */
import { TextDecoder, TextEncoder } from 'node:util';

const DOUBLE_QUOTE = 0x22;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

/**
 * Decodes the kernel's upper-case hex encoding of an untrusted string. Returns undefined when the
 * text is not even-length upper-case hex or the bytes are not UTF-8.
 */
export function decodeHex(text: string): string | undefined {
  if (text.length === 0 || text.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const high = hexDigit(text.charCodeAt(2 * i));
    const low = hexDigit(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return undefined;
    bytes[i] = high * 16 + low;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function isUpperHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (hexDigit(text.charCodeAt(i)) < 0) return false;
  return true;
}

/** Whether a string can be logged between double quotes (the kernel's own test). */
function isSafeForQuotes(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === DOUBLE_QUOTE || code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** Writes a value the way the kernel writes an untrusted string: quoted when safe, else hex. */
export function encodeAuditValue(value: string): string {
  if (isSafeForQuotes(value)) return `"${value}"`;
  let hex = '';
  for (const byte of new TextEncoder().encode(value)) hex += byte.toString(16).toUpperCase().padStart(2, '0');
  return hex;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * An abstract unix address is logged as `"@NAME"`, with NAME in hex when it holds control bytes
 * (often trailing NULs). Decode only then, so a printable name that happens to look like hex stays.
 */
export function abstractAddress(value: string): string {
  const decoded = decodeHex(value.slice(1));
  return decoded !== undefined && hasControlCharacter(decoded) ? `@${decoded}` : value;
}
