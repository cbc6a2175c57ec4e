/** The overlay chooser's and list's lines. Pure. */
import { describeEntry, type OverlayEntry } from '../overlay/overlay.js';
import type { OverlayUiState } from './overlay-reducer.js';
import type { DetailLine } from './detail-lines.js';
import { truncate } from './format.js';

function entryLines(entries: readonly OverlayEntry[], cursor: number, width: number): DetailLine[] {
  return entries.map((entry, index) => ({
    text: truncate(
      `${index === cursor ? '›' : ' '} ${index + 1}. ${describeEntry(entry)}   (${entry.reason})`,
      width,
    ),
    role: index === cursor ? 'selected' : 'normal',
  }));
}

/** The chooser: what would allow the selected denial, the exact rule first. */
export function chooserLines(state: OverlayUiState, height: number, width: number): DetailLine[] {
  const lines: DetailLine[] = [
    { text: 'allow it in the overlay with (j/k choose, Enter add, Esc cancel):', role: 'muted' },
    ...entryLines(state.choices, state.cursor, width),
  ];
  return windowed(lines, state.cursor + 1, height);
}

/** The list: every entry, @unrestricted, and the file it is saved in. */
export function overlayListLines(state: OverlayUiState, height: number, width: number): DetailLine[] {
  const policy = state.policy;
  if (!policy) return [{ text: 'no overlay', role: 'muted' }];
  const lines: DetailLine[] = [
    { text: truncate(`file: ${state.path ?? '?'}   (j/k move, x remove, Esc close)`, width), role: 'muted' },
    ...(policy.unrestricted
      ? [
          {
            text: 'seccomp @unrestricted: no seccomp filter is enforced (U turns it off)',
            role: 'error' as const,
          },
        ]
      : []),
    ...(policy.entries.length === 0
      ? [{ text: 'no entries: a on a denial adds one', role: 'muted' as const }]
      : entryLines(policy.entries, state.cursor, width)),
  ];
  return windowed(lines, lines.length - policy.entries.length + state.cursor, height);
}

/** At most `height` lines, keeping line `focus` in view. */
function windowed(lines: readonly DetailLine[], focus: number, height: number): DetailLine[] {
  const start = Math.max(0, Math.min(focus - height + 1, lines.length - height));
  return lines.slice(start, start + height);
}
