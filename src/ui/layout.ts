import type { Overlay } from './state.js';

/** Lines taken by the header (2), the status bar (1) and the prompt/message line (1). */
export const CHROME_ROWS = 4;

export interface Layout {
  readonly columns: number;
  readonly rows: number;
  /** Group rows the list shows (its column header not counted); 0 when hidden. */
  readonly listRows: number;
  /** Text lines the detail pane shows (its title not counted); 0 when hidden. */
  readonly detailRows: number;
  readonly help: boolean;
}

/** Splits the screen: list on top, detail below; the detail alone when zoomed; help over all. */
export function layout(columns: number, rows: number, zoomed: boolean, overlay: Overlay): Layout {
  const safeRows = Math.max(rows, CHROME_ROWS + 4);
  const body = safeRows - CHROME_ROWS;
  const help = overlay === 'help';
  if (zoomed) return { columns, rows: safeRows, listRows: 0, detailRows: body - 1, help };
  const listBlock = Math.max(3, Math.floor(body * 0.45));
  return { columns, rows: safeRows, listRows: listBlock - 1, detailRows: body - listBlock - 1, help };
}

/** The first row to show so that `cursor` stays in a window of `height` rows, moving as little as possible. */
export function scrollOffset(previous: number, cursor: number, height: number, length: number): number {
  if (height <= 0 || length <= height) return 0;
  let offset = previous;
  if (cursor < offset) offset = cursor;
  if (cursor >= offset + height) offset = cursor - height + 1;
  return Math.min(Math.max(0, offset), length - height);
}
