import { constantValue } from './constants.js';

/** How one syscall argument is compared; `masked-eq` is `(arg & mask) == value`. */
export type ArgOperator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'masked-eq';

export interface ArgCondition {
  /** Argument index 0..5. */
  readonly index: number;
  readonly op: ArgOperator;
  readonly value: bigint;
  /** Only for masked-eq. */
  readonly mask?: bigint;
  /** The token as written in the profile. */
  readonly token: string;
}

export interface ProfileRule {
  /** 1-based line number in the source. */
  readonly line: number;
  /** The line as written. */
  readonly text: string;
  readonly syscall: string;
  /** `~SYSCALL`: an explicit deny (ERRNO(EACCES) in the deny filter). */
  readonly deny: boolean;
  readonly conditions: readonly ArgCondition[];
}

export interface ProfileWarning {
  readonly line: number;
  readonly message: string;
}

export interface Profile {
  readonly unrestricted: boolean;
  readonly complain: boolean;
  readonly rules: readonly ProfileRule[];
  readonly warnings: readonly ProfileWarning[];
}

export interface ParseOptions {
  /** Used in messages; defaults to `<profile>`. */
  readonly file?: string;
  /** Whether any target architecture knows the syscall; unknown ones are skipped with a warning. */
  readonly isKnownSyscall?: (name: string) => boolean;
  /** uid of a user name (u:NAME), undefined when there is no such user. */
  readonly lookupUser?: (name: string) => number | undefined;
  /** gid of a group name (g:NAME). */
  readonly lookupGroup?: (name: string) => number | undefined;
}

/** A profile that snap-seccomp would refuse; the message reads `FILE:LINE: what is wrong`. */
export class ProfileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'ProfileError';
  }
}

export const MAX_SYSCALL_ARGS = 6;

// snap-seccomp accepts a negative number only for these, compared on the low 32 bits.
const NEGATIVE_ARG_SYSCALLS: ReadonlySet<string> = new Set([
  'chown',
  'chown32',
  'fchown',
  'fchown32',
  'fchownat',
  'lchown',
  'lchown32',
  'setgid',
  'setgid32',
  'setregid',
  'setregid32',
  'setresgid',
  'setresgid32',
  'setreuid',
  'setreuid32',
  'setresuid',
  'setresuid32',
  'setuid',
  'setuid32',
  'copy_file_range',
]);

const SYSTEM_USERNAME = /^([_][-a-z0-9._]+[_]|[a-z0-9][-a-z0-9._]*)$/;
const UINT32_DECIMAL = /^[0-9]+$/;
const INT32_DECIMAL = /^[+-]?[0-9]+$/;
const LOW_32_BITS = 0xffffffffn;

class TokenError extends Error {}

/** A symbol or decimal as snap-seccomp's readNumber accepts it. */
function readNumber(token: string, syscall: string): bigint {
  const symbol = constantValue(token);
  if (symbol !== undefined) return BigInt(symbol);
  if (UINT32_DECIMAL.test(token)) {
    const value = BigInt(token);
    if (value <= LOW_32_BITS) return value;
    throw new TokenError(`'${token}' does not fit in 32 bits`);
  }
  if (!INT32_DECIMAL.test(token)) {
    throw new TokenError(`'${token}' is neither a decimal number nor a known constant`);
  }
  if (!NEGATIVE_ARG_SYSCALLS.has(syscall)) {
    throw new TokenError(`negative value '${token}' is not allowed for '${syscall}'`);
  }
  const value = BigInt(token);
  if (value < -(1n << 31n) || value >= 1n << 31n) {
    throw new TokenError(`'${token}' does not fit in 32 bits`);
  }
  return value & LOW_32_BITS;
}

function lookupId(kind: 'user' | 'group', name: string, lookup: ParseOptions['lookupUser']): bigint {
  if (!SYSTEM_USERNAME.test(name)) throw new TokenError(`'${name}' is not a valid ${kind} name`);
  const id = lookup?.(name);
  if (id === undefined) throw new TokenError(`unknown ${kind} '${name}'`);
  return BigInt(id);
}

function parseArgument(token: string, index: number, syscall: string, options: ParseOptions): ArgCondition {
  const make = (op: ArgOperator, value: bigint, mask?: bigint): ArgCondition =>
    mask === undefined ? { index, op, value, token } : { index, op, value, mask, token };
  if (token.startsWith('>=')) return make('ge', readNumber(token.slice(2), syscall));
  if (token.startsWith('<=')) return make('le', readNumber(token.slice(2), syscall));
  if (token.startsWith('!')) return make('ne', readNumber(token.slice(1), syscall));
  if (token.startsWith('<')) return make('lt', readNumber(token.slice(1), syscall));
  if (token.startsWith('>')) return make('gt', readNumber(token.slice(1), syscall));
  if (token.startsWith('|')) {
    const value = readNumber(token.slice(1), syscall);
    return make('masked-eq', value, value);
  }
  if (token.includes('|')) {
    const parts = token.split('|');
    if (parts.length !== 2) throw new TokenError(`masked value '${token}' must be MASK|VALUE`);
    return make('masked-eq', readNumber(parts[1]!, syscall), readNumber(parts[0]!, syscall));
  }
  if (token.startsWith('u:')) return make('eq', lookupId('user', token.slice(2), options.lookupUser));
  if (token.startsWith('g:')) return make('eq', lookupId('group', token.slice(2), options.lookupGroup));
  return make('eq', readNumber(token, syscall));
}

function parseRule(
  text: string,
  line: number,
  options: ParseOptions,
  warnings: ProfileWarning[],
): ProfileRule | undefined {
  const file = options.file ?? '<profile>';
  const tokens = text.trim().split(/\s+/);
  const [first, ...args] = tokens as [string, ...string[]];
  if (args.length > MAX_SYSCALL_ARGS) {
    throw new ProfileError(
      file,
      line,
      `too many arguments for '${first}': ${args.length} given, at most ${MAX_SYSCALL_ARGS}`,
    );
  }
  const deny = first.startsWith('~');
  const syscall = deny ? first.slice(1) : first;
  if (options.isKnownSyscall && !options.isKnownSyscall(syscall)) {
    // snap-seccomp skips names libseccomp does not know, arguments unread.
    if (first !== '@complain' && first !== '@unrestricted') {
      warnings.push({ line, message: `unknown syscall '${syscall}' ignored` });
    }
    return undefined;
  }
  const conditions: ArgCondition[] = [];
  args.forEach((token, index) => {
    if (token === '-') return;
    let condition: ArgCondition;
    try {
      condition = parseArgument(token, index, syscall, options);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new ProfileError(file, line, `argument ${index} of '${syscall}': ${error.message}`);
    }
    if (NEGATIVE_ARG_SYSCALLS.has(syscall)) {
      if (condition.op !== 'eq') {
        throw new ProfileError(
          file,
          line,
          `argument ${index} of '${syscall}': only equality is supported, not '${token}'`,
        );
      }
      condition = { ...condition, op: 'masked-eq', mask: LOW_32_BITS };
    }
    conditions.push(condition);
  });
  return { line, text, syscall, deny, conditions };
}

/** Parses snapd seccomp profile source (the `.src` files snap-seccomp compiles). */
export function parseProfile(source: string, options: ParseOptions = {}): Profile {
  const file = options.file ?? '<profile>';
  const lines = source.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const texts = lines.map((raw) => (raw.endsWith('\r') ? raw.slice(0, -1) : raw));
  const unrestricted = texts.some((text) => text.trim() === '@unrestricted');
  const complain = texts.some((text) => text.trim() === '@complain');
  const rules: ProfileRule[] = [];
  const warnings: ProfileWarning[] = [];
  // Like snap-seccomp, an unrestricted profile is not parsed any further.
  if (unrestricted) return { unrestricted, complain, rules, warnings };
  texts.forEach((text, index) => {
    const line = index + 1;
    if (text === '' || text.startsWith('#')) return;
    if (text.trim() === '') throw new ProfileError(file, line, 'line holds only whitespace');
    const rule = parseRule(text, line, options, warnings);
    if (rule) rules.push(rule);
  });
  return { unrestricted, complain, rules, warnings };
}
