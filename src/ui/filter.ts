import type { DenialGroup } from './group-store.js';

/** A compiled `/` filter: a case-insensitive regular expression, or plain text when it is not one. */
export interface TextFilter {
  readonly source: string;
  readonly mode: 'regex' | 'text';
  test(haystack: string): boolean;
}

export function compileFilter(source: string): TextFilter | undefined {
  if (source === '') return undefined;
  try {
    const re = new RegExp(source, 'i');
    return { source, mode: 'regex', test: (haystack) => re.test(haystack) };
  } catch {
    const needle = source.toLowerCase();
    return { source, mode: 'text', test: (haystack) => haystack.toLowerCase().includes(needle) };
  }
}

/** What `/` searches: the summary and the fields of the group's newest record. */
export function searchableText(group: DenialGroup): string {
  const d = group.latest;
  const suggestions = (d.suggestions ?? []).map((s) => `${s.id} ${s.text}`).join(' ');
  const syscallName = d.syscall?.name ?? '';
  return `${group.summary}\n${group.snap} ${group.app} ${group.kind} ${d.decision ?? ''} ${syscallName}\n${d.log}\n${suggestions}`;
}
