/**
 * udev KERNEL== patterns (fnmatch: `*`, `?`, `[...]`, alternatives with `|`), plus the `{a,b}`
 * groups the rules files carry from snapd's templates. Pure.
 */
function escape(char: string): string {
  return /[\\^$.+()|{}[\]*?/]/.test(char) ? `\\${char}` : char;
}

function convert(pattern: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') out += '.*';
    else if (char === '?') out += '.';
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (char === '{') {
      depth++;
      out += '(?:';
    } else if (char === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (char === ',' && depth > 0) out += '|';
    else out += escape(char);
  }
  return out;
}

/** A KERNEL== pattern that cannot be compiled (unbalanced braces, a reversed range). */
export class UdevPatternError extends Error {}

export function udevKernelRegExp(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern.split('|').map(convert).join('|')})$`);
  } catch (error) {
    const reason = (error as Error).message.replace(/^.*: /, '');
    throw new UdevPatternError(`invalid udev KERNEL pattern "${pattern}": ${reason}`);
  }
}

export function udevKernelMatches(pattern: string, name: string): boolean {
  return udevKernelRegExp(pattern).test(name);
}
