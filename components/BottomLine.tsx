import { Text } from 'ink';
import { truncate } from '../src/ui/format.js';
import type { Overlay, StatusMessage } from '../src/ui/state.js';
import { useTheme } from './ThemeContext.js';

export interface BottomLineProps {
  readonly overlay: Overlay;
  /** The filter being typed (shown after `/`). */
  readonly filter: string;
  /** The command being typed (shown after `:`). */
  readonly input: string;
  /** The last message (export path, error), shown when no prompt is open. */
  readonly message?: StatusMessage;
  readonly width: number;
}

const HINTS =
  'j/k move  Enter detail  Tab pane  / filter  f follow  s sort  1-3 kinds  x reviewed  e export  q quit';

/** The prompt while typing `/` or `:`, else the last message, else the main keys. */
export function BottomLine(props: BottomLineProps) {
  const theme = useTheme();
  if (props.overlay === 'filter' || props.overlay === 'command') {
    const prompt = props.overlay === 'filter' ? `/${props.filter}` : `:${props.input}`;
    const help =
      props.overlay === 'filter'
        ? '   (Enter keep, Esc clear)'
        : '   (snap NAME, source NAME, export PATH, clear)';
    return (
      <Text wrap="truncate-end">
        <Text {...theme.key}>{truncate(prompt, props.width - 1)}</Text>
        <Text {...theme.selected}> </Text>
        <Text {...theme.muted}>{truncate(help, Math.max(0, props.width - prompt.length - 1))}</Text>
      </Text>
    );
  }
  if (props.message) {
    return (
      <Text {...(props.message.level === 'error' ? theme.error : theme.info)} wrap="truncate-end">
        {truncate(props.message.text, props.width)}
      </Text>
    );
  }
  return (
    <Text {...theme.muted} wrap="truncate-end">
      {truncate(HINTS, props.width)}
    </Text>
  );
}
