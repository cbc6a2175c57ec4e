export interface Options {
  readonly ambiguousIsNarrow?: boolean;
  readonly countAnsiEscapeCodes?: boolean;
}

/** The number of terminal columns `string` takes (string-width 8.3.0's answer, remembered). */
export default function stringWidth(string: string, options?: Options): number;
