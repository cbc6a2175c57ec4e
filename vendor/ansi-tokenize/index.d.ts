export interface AnsiCode {
  readonly type: 'ansi';
  readonly code: string;
  readonly endCode: string;
}

export interface Char {
  type: 'char';
  value: string;
  fullWidth: boolean;
}

export type Token = AnsiCode | Char;

export interface StyledChar extends Char {
  /** Shared between characters of one style and frozen: never mutate it. */
  styles: readonly AnsiCode[];
}

/** Splits `str` into ANSI codes and grapheme clusters; stops once `endChar` columns are covered. */
export function tokenize(str: string, endChar?: number): Token[];
/** The characters of `tokens`, each with the reduced set of codes that styles it. */
export function styledCharsFromTokens(tokens: readonly Token[]): StyledChar[];
/** The characters as a string, with the fewest codes between them and every style closed at the end. */
export function styledCharsToString(chars: readonly StyledChar[]): string;
