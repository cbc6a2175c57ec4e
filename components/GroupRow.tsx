import { Text } from 'ink';
import { memo } from 'react';
import type { Decision, DenialKind } from '../src/model/denial.js';
import { clockTime, fit, fitRight, KIND_TAGS } from '../src/ui/format.js';
import { rowIdentity } from '../src/ui/run-marks.js';
import { useRunMarks } from './RunMarksContext.js';
import { useTheme } from './ThemeContext.js';

export interface GroupRowProps {
  readonly kind: DenialKind;
  readonly decision: Decision;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Rate sparkline, already drawn. */
  readonly spark: string;
  /** snap.app */
  readonly owner: string;
  readonly summary: string;
  readonly selected: boolean;
  readonly reviewed: boolean;
  /** Whether the first-seen column fits. */
  readonly showFirst: boolean;
  readonly width: number;
}

export const OWNER_WIDTH = 18;

/** Column widths before the summary: marks, kind, decision, count, times, sparkline, owner. */
export function fixedWidth(showFirst: boolean): number {
  return 2 + 3 + 8 + 7 + 9 + (showFirst ? 9 : 0) + 9 + OWNER_WIDTH + 1;
}

/** One group in the list; memoised so unchanged rows are not rebuilt on each batch. */
export const GroupRow = memo(function GroupRow(props: GroupRowProps) {
  const theme = useTheme();
  const decisionRole =
    props.decision === 'ALLOWED' ? 'allowed' : props.decision === 'AUDIT' ? 'audit' : 'denied';
  const inRun = useRunMarks().has(rowIdentity(props.kind, props.owner, props.summary));
  // ◆: the group has denials of the current run (r/d/m); it takes the reviewed mark's place.
  const mark = `${props.selected ? '›' : ' '}${inRun ? '◆' : props.reviewed ? '✓' : ' '}`;
  const summaryWidth = Math.max(0, props.width - fixedWidth(props.showFirst));
  const text = (
    <>
      {mark}
      <Text {...theme[props.kind]}>{fit(KIND_TAGS[props.kind], 3)}</Text>
      <Text {...theme[decisionRole]}>{fit(props.decision, 8)}</Text>
      {fitRight(String(props.count), 6)} {clockTime(props.lastSeen)}{' '}
      {props.showFirst ? `${clockTime(props.firstSeen)} ` : ''}
      <Text {...theme.spark}>{props.spark}</Text> {fit(props.owner, OWNER_WIDTH)}{' '}
      {fit(props.summary, summaryWidth)}
    </>
  );
  const rowRole = props.selected ? theme.selected : props.reviewed ? theme.reviewed : theme.normal;
  return (
    <Text {...rowRole} wrap="truncate-end">
      {text}
    </Text>
  );
});
