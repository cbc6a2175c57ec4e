import { Text } from 'ink';
import { truncate } from '../src/ui/format.js';
import { SORT_LABELS, type SortKey } from '../src/ui/sort.js';
import { useTheme } from './ThemeContext.js';

export interface StatusBarProps {
  /** 1-based position of the cursor, 0 when empty. */
  readonly position: number;
  readonly total: number;
  /** The `/` filter, "" for none, and how it was understood. */
  readonly filter: string;
  readonly filterMode?: 'regex' | 'text';
  readonly sort: SortKey;
  readonly following: boolean;
  readonly hideReviewed: boolean;
  readonly width: number;
}

/** n/N, filter and matches, sort, FOLLOWING/PAUSED and the help hint, on one inverse line. */
export function StatusBar(props: StatusBarProps) {
  const theme = useTheme();
  const filter =
    props.filter === ''
      ? 'no filter'
      : `filter ${props.filterMode ?? 'text'} "${props.filter}": ${props.total} match`;
  const left = ` ${props.position}/${props.total}  ${filter}  sort ${SORT_LABELS[props.sort]}${props.hideReviewed ? '  reviewed hidden' : ''} `;
  const mode = props.following ? ' FOLLOWING ' : ' PAUSED ';
  const help = ' ? help ';
  const room = Math.max(0, props.width - mode.length - help.length);
  const fitted = truncate(left, room).padEnd(room);
  return (
    <Text wrap="truncate-end">
      <Text {...theme.bar}>{fitted}</Text>
      <Text {...(props.following ? theme.following : theme.paused)}>{mode}</Text>
      <Text {...theme.bar}>{help}</Text>
    </Text>
  );
}
