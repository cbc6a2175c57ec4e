/**
 * Abbreviated month names as strftime's %b writes them in the C, de, fr, es and pl locales
 * (journalctl under LANG=de_DE.UTF-8 prints `Mär 13`, fr_FR `févr. 13`, es_ES `dic 13`, pl_PL `kwi 19`).
 * Keys are lower-case, without the trailing dot. Values are 1-12.
 */
const MONTHS: ReadonlyMap<string, number> = new Map([
  // C / English
  ['jan', 1],
  ['feb', 2],
  ['mar', 3],
  ['apr', 4],
  ['may', 5],
  ['jun', 6],
  ['jul', 7],
  ['aug', 8],
  ['sep', 9],
  ['oct', 10],
  ['nov', 11],
  ['dec', 12],
  // German (de_DE; older glibc wrote Mrz)
  ['mär', 3],
  ['mrz', 3],
  ['mai', 5],
  ['okt', 10],
  ['dez', 12],
  // French (fr_FR)
  ['janv', 1],
  ['févr', 2],
  ['fév', 2],
  ['mars', 3],
  ['avr', 4],
  ['avril', 4],
  ['juin', 6],
  ['juil', 7],
  ['août', 8],
  ['sept', 9],
  ['déc', 12],
  // Spanish (es_ES)
  ['ene', 1],
  ['abr', 4],
  ['ago', 8],
  ['dic', 12],
  // Polish (pl_PL)
  ['sty', 1],
  ['lut', 2],
  ['kwi', 4],
  ['maj', 5],
  ['cze', 6],
  ['lip', 7],
  ['sie', 8],
  ['wrz', 9],
  ['paź', 10],
  ['lis', 11],
  ['gru', 12],
]);

function slowMonthNumber(word: string): number | undefined {
  const bare = word.endsWith('.') ? word.slice(0, -1) : word;
  return MONTHS.get(bare.normalize('NFC').toLowerCase());
}

/**
 * The usual spellings (`Nov`, `nov`) looked up as written, skipping normalization. Made without
 * calling normalize(): its first call loads ICU's tables, some milliseconds of every start.
 * (The keys are lower-case NFC and start with an ASCII letter: test/unit/parse/months.test.ts.)
 */
const AS_WRITTEN: ReadonlyMap<string, number> = new Map(
  [...MONTHS].flatMap(([key, month]) => [
    [key, month] as const,
    [key.charAt(0).toUpperCase() + key.slice(1), month] as const,
  ]),
);

/** The month keys, and the lookup that normalizes: for the test that holds AS_WRITTEN to it. */
export const MONTH_LOOKUPS = Object.freeze({ keys: [...MONTHS.keys()], normalized: slowMonthNumber });

/** 1-12 for a month abbreviation in a supported locale, undefined otherwise. */
export function monthNumber(word: string): number | undefined {
  return AS_WRITTEN.get(word) ?? slowMonthNumber(word);
}
