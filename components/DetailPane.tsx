import { Box, Text } from 'ink';
import type { DetailLine } from '../src/ui/detail-lines.js';
import { fit } from '../src/ui/format.js';
import { useTheme } from './ThemeContext.js';

export interface DetailPaneProps {
  /** The whole detail of the selected group, wrapped to the width. */
  readonly lines: readonly DetailLine[];
  /** First line shown. */
  readonly scroll: number;
  /** Text lines available below the title bar. */
  readonly height: number;
  readonly width: number;
  readonly focused: boolean;
}

/** The selected group's detail: a title bar with the scroll position, then a window of lines. */
export function DetailPane(props: DetailPaneProps) {
  const theme = useTheme();
  const shown = props.lines.slice(props.scroll, props.scroll + props.height);
  const end = Math.min(props.lines.length, props.scroll + props.height);
  const position =
    props.lines.length > props.height ? ` lines ${props.scroll + 1}-${end}/${props.lines.length}` : '';
  const hint = props.focused ? ' (j/k scroll, Tab/Esc back)' : ' (Tab or Enter to scroll)';
  const title = `── detail${position}${hint} `;
  return (
    <Box flexDirection="column" width={props.width} height={props.height + 1}>
      <Text {...(props.focused ? theme.heading : theme.muted)} wrap="truncate-end">
        {fit(title.padEnd(props.width, '─'), props.width)}
      </Text>
      {shown.map((line, index) => (
        <Text key={props.scroll + index} {...theme[line.role]} wrap="truncate-end">
          {line.text === '' ? ' ' : line.text}
        </Text>
      ))}
    </Box>
  );
}
