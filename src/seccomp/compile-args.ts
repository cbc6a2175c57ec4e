import type { ArchInfo } from './arch.js';
import {
  BPF_ALU,
  BPF_AND,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_K,
  jumpIf,
  labelAt,
  loadWord,
  SECCOMP_DATA_ARGS,
  type AsmItem,
} from './bpf.js';
import type { ArgCondition } from './profile.js';

/** BPF for syscall argument conditions (the 64-bit ones split into two 32-bit words). */

const LOW_WORD = 0xffffffffn;

/** Offsets of the argument's 32-bit halves in seccomp_data for the arch's byte order. */
function argWordOffsets(arch: ArchInfo, index: number): { lo: number; hi: number } {
  const base = SECCOMP_DATA_ARGS + 8 * index;
  return arch.littleEndian ? { lo: base, hi: base + 4 } : { lo: base + 4, hi: base };
}

/** Code for one 32-bit word comparison; jumps to pass or fail. */
function compareWord(
  op: ArgCondition['op'],
  word: number,
  value: number,
  mask: number,
  pass: string,
  fail: string,
) {
  const items: AsmItem[] = [];
  if (op === 'masked-eq' && mask !== 0xffffffff)
    items.push({ kind: 'stmt', code: BPF_ALU | BPF_AND | BPF_K, k: mask });
  switch (op) {
    case 'eq':
    case 'masked-eq':
      items.push(jumpIf(BPF_JEQ, value, pass, fail));
      break;
    case 'ne':
      items.push(jumpIf(BPF_JEQ, value, fail, pass));
      break;
    case 'gt':
      items.push(jumpIf(BPF_JGT, value, pass, fail));
      break;
    case 'ge':
      items.push(jumpIf(BPF_JGE, value, pass, fail));
      break;
    case 'lt':
      items.push(jumpIf(BPF_JGE, value, fail, pass));
      break;
    case 'le':
      items.push(jumpIf(BPF_JGT, value, fail, pass));
      break;
  }
  return [loadWord(word), ...items];
}

/** Code testing one condition: 32-bit ABIs compare the low word, 64-bit ones hi then lo. */
export function conditionCode(
  arch: ArchInfo,
  condition: ArgCondition,
  pass: string,
  fail: string,
  id: string,
) {
  const { lo, hi } = argWordOffsets(arch, condition.index);
  const value = condition.value;
  const mask = condition.mask ?? (1n << 64n) - 1n;
  const loValue = Number(value & LOW_WORD);
  const loMask = Number(mask & LOW_WORD);
  if (arch.bits === 32) return compareWord(condition.op, lo, loValue, loMask, pass, fail);
  const hiValue = Number((value >> 32n) & LOW_WORD);
  const hiMask = Number((mask >> 32n) & LOW_WORD);
  const checkLo = `${id}.lo`;
  const items: AsmItem[] = [loadWord(hi)];
  switch (condition.op) {
    case 'eq':
      items.push(jumpIf(BPF_JEQ, hiValue, checkLo, fail));
      break;
    case 'masked-eq':
      if (hiMask === 0 && hiValue === 0) return compareWord('masked-eq', lo, loValue, loMask, pass, fail);
      if (hiMask !== 0xffffffff) items.push({ kind: 'stmt', code: BPF_ALU | BPF_AND | BPF_K, k: hiMask });
      items.push(jumpIf(BPF_JEQ, hiValue, checkLo, fail));
      break;
    case 'ne':
      items.push(jumpIf(BPF_JEQ, hiValue, checkLo, pass));
      break;
    case 'gt':
    case 'ge':
      items.push(jumpIf(BPF_JGT, hiValue, pass, `${id}.hieq`), labelAt(`${id}.hieq`));
      items.push(jumpIf(BPF_JEQ, hiValue, checkLo, fail));
      break;
    case 'lt':
    case 'le':
      items.push(jumpIf(BPF_JGT, hiValue, fail, `${id}.hieq`), labelAt(`${id}.hieq`));
      items.push(jumpIf(BPF_JEQ, hiValue, checkLo, pass));
      break;
  }
  items.push(labelAt(checkLo), ...compareWord(condition.op, lo, loValue, loMask, pass, fail));
  return items;
}

/**
 * Rules that only test one argument for equality (`socket AF_UNIX`, `socket AF_INET`, ...) share
 * one load of that argument and become a list of comparisons.
 */
export function equalityGroups(lists: readonly (readonly ArgCondition[])[]): {
  groups: Map<string, ArgCondition[]>;
  rest: (readonly ArgCondition[])[];
} {
  const groups = new Map<string, ArgCondition[]>();
  const rest: (readonly ArgCondition[])[] = [];
  for (const conditions of lists) {
    const [only] = conditions;
    if (conditions.length !== 1 || only?.op !== 'eq') {
      rest.push(conditions);
      continue;
    }
    const key = `${only.index}:${only.value >> 32n}`;
    const group = groups.get(key) ?? [];
    if (!group.some((known) => known.value === only.value)) group.push(only);
    groups.set(key, group);
  }
  return { groups, rest };
}

export function equalityGroupCode(
  arch: ArchInfo,
  group: readonly ArgCondition[],
  matched: string,
  next: string,
  id: string,
) {
  const first = group[0]!;
  const { lo, hi } = argWordOffsets(arch, first.index);
  const items: AsmItem[] = [];
  if (arch.bits === 64) {
    items.push(
      loadWord(hi),
      jumpIf(BPF_JEQ, Number((first.value >> 32n) & LOW_WORD), `${id}.lo`, next),
      labelAt(`${id}.lo`),
    );
  }
  items.push(loadWord(lo));
  group.forEach((condition, i) => {
    const otherwise = i + 1 < group.length ? `${id}.v${i + 1}` : next;
    items.push(jumpIf(BPF_JEQ, Number(condition.value & LOW_WORD), matched, otherwise));
    if (otherwise !== next) items.push(labelAt(otherwise));
  });
  return items;
}
