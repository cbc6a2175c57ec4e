import { Box, Text } from 'ink';
import type { DetailLine } from '../src/ui/detail-lines.js';
import { fit } from '../src/ui/format.js';
import { useTheme } from './ThemeContext.js';

export interface LinesPaneProps {
  readonly title: string;
  readonly lines: readonly DetailLine[];
  /** Text lines below the title bar. */
  readonly height: number;
  readonly width: number;
}

/** A titled pane of prepared lines (the run panel, the compare view). */
export function LinesPane(props: LinesPaneProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={props.width} height={props.height + 1}>
      <Text {...theme.heading} wrap="truncate-end">
        {fit(`── ${props.title} `.padEnd(props.width, '─'), props.width)}
      </Text>
      {props.lines.slice(0, props.height).map((line, index) => (
        <Text key={index} {...theme[line.role]} wrap="truncate-end">
          {line.text === '' ? ' ' : line.text}
        </Text>
      ))}
    </Box>
  );
}
