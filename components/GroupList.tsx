import { Box, Text } from 'ink';
import { useRef } from 'react';
import { fit } from '../src/ui/format.js';
import type { DenialGroup } from '../src/ui/group-store.js';
import { scrollOffset } from '../src/ui/layout.js';
import { sparkline } from '../src/ui/sparkline.js';
import { owner } from '../src/ui/format.js';
import { GroupRow, OWNER_WIDTH } from './GroupRow.js';
import { useTheme } from './ThemeContext.js';

export interface GroupListProps {
  /** All visible groups in order; only the window around the cursor is rendered. */
  readonly rows: readonly DenialGroup[];
  /** Selected row, -1 when empty. */
  readonly cursor: number;
  /** Group rows available (the column header is extra). */
  readonly height: number;
  readonly width: number;
  readonly reviewed: ReadonlySet<string>;
  /** Bucket of the newest event: the right end of every sparkline. */
  readonly nowBucket: number;
  /** Dim the list when the detail pane has the focus. */
  readonly focused: boolean;
  /** Shown when there are no rows. */
  readonly emptyText: string;
}

/** The group list: column header, then one memoised row per visible group in the window. */
export function GroupList(props: GroupListProps) {
  const theme = useTheme();
  const offsetRef = useRef(0);
  const offset = scrollOffset(offsetRef.current, Math.max(0, props.cursor), props.height, props.rows.length);
  offsetRef.current = offset;
  const showFirst = props.width >= 100;
  const header =
    `  ${fit('K', 3)}${fit('DECISION', 8)}${'COUNT'.padStart(6)} ${fit('LAST', 8)} ` +
    `${showFirst ? `${fit('FIRST', 8)} ` : ''}${fit('RATE', 8)} ${fit('SNAP.APP', OWNER_WIDTH)} WHAT`;
  const windowRows = props.rows.slice(offset, offset + props.height);
  return (
    <Box flexDirection="column" width={props.width} height={props.height + 1}>
      <Text {...(props.focused ? theme.heading : theme.muted)} wrap="truncate-end">
        {fit(header, props.width)}
      </Text>
      {windowRows.length === 0 ? <Text {...theme.muted}>{`  ${props.emptyText}`}</Text> : null}
      {windowRows.map((group, index) => (
        <GroupRow
          key={group.key}
          kind={group.kind}
          decision={group.latest.decision ?? 'DENIED'}
          count={group.count}
          firstSeen={group.firstSeen}
          lastSeen={group.lastSeen}
          spark={sparkline(group.rate, group.rateBucket, props.nowBucket)}
          owner={owner(group.snap, group.app)}
          summary={group.summary}
          selected={offset + index === props.cursor}
          reviewed={props.reviewed.has(group.key)}
          showFirst={showFirst}
          width={props.width}
        />
      ))}
    </Box>
  );
}
