/**
 * Copies of a record with a few members replaced, made as one object literal per member list.
 * `{ ...record }` over records of many shapes (a log's few hundred kinds of denial) is a slow
 * generic copy in V8 (about 2 µs for a denial); a literal of the same members in the same order
 * is a fixed allocation, and gives every copy of one member list one shape for later readers.
 * The literal's code is generated once per member list (a few dozen in a log).
 */

/** The members a copy may take from its caller instead of the template (argument order). */
export const REPLACEABLE = ['raw', 'log', 'time', 'timeText', 'auditStamp', 'pid', 'ip', 'fields'] as const;
export type Replaceable = (typeof REPLACEABLE)[number];

export type Copier = (
  template: object,
  raw: unknown,
  log: unknown,
  time: unknown,
  timeText: unknown,
  auditStamp: unknown,
  pid: unknown,
  ip: unknown,
  fields: unknown,
) => Record<string, unknown>;

/** Copiers by prototype (plain records, the tokenizer's fields objects), then by member list. */
const copiers = new Map<object | null, Map<string, Copier>>();
let count = 0;
const LIMIT = 256;

/**
 * A function copying `template` (its prototype and own members, in order), taking the `replaced`
 * members from its arguments (by REPLACEABLE's order). Undefined when a name cannot be written as
 * a plain literal member (`__proto__` would set the prototype) or too many lists were seen.
 */
export function copierFor(template: object, replaced: ReadonlySet<Replaceable>): Copier | undefined {
  const keys = Object.keys(template);
  if (keys.includes('__proto__')) return undefined;
  const prototype = Object.getPrototypeOf(template) as object | null;
  let byList = copiers.get(prototype);
  if (byList === undefined) copiers.set(prototype, (byList = new Map()));
  // JSON: no two lists share a signature (joined names would: [''] and [], ['a\u0000b'] and ['a', 'b']).
  const signature = JSON.stringify([[...replaced], keys]);
  let copier = byList.get(signature);
  if (copier !== undefined) return copier;
  if (count >= LIMIT) return undefined;
  const members = keys.map((key) => {
    const name = JSON.stringify(key);
    const argument = REPLACEABLE.indexOf(key as Replaceable);
    return argument >= 0 && replaced.has(key as Replaceable)
      ? `${name}: ${REPLACEABLE[argument]}`
      : `${name}: template[${name}]`;
  });
  // Names only from JSON.stringify and REPLACEABLE: no text of the log becomes code.
  try {
    // `__proto__: prototype` in a literal sets its prototype (the template's, e.g. the fields').
    const make = new Function(
      'prototype',
      `return function copy(template, ${REPLACEABLE.join(', ')}) { return { __proto__: prototype, ${members.join(', ')} }; };`,
    ) as (prototype: object | null) => Copier;
    copier = make(prototype);
  } catch {
    // Code generation refused (node --disallow-code-generation-from-strings): callers spread.
    return undefined;
  }
  byList.set(signature, copier);
  count++;
  return copier;
}
