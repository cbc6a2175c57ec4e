import { Box, Text } from 'ink';
import { fit, truncate } from '../src/ui/format.js';
import { KEY_TABLE, keysLabel } from '../src/ui/keymap.js';
import { useTheme } from './ThemeContext.js';

export interface HelpOverlayProps {
  readonly width: number;
  readonly height: number;
}

const KEYS_WIDTH = 18;

/** The key table, as data says it: keys and what they do. Closes with Esc, q or ?. */
export function HelpOverlay(props: HelpOverlayProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <Text {...theme.title}>{truncate('snappy-debug keys  (Esc, q or ? to close)', props.width)}</Text>
      {KEY_TABLE.map((binding) => (
        <Text key={binding.command} wrap="truncate-end">
          <Text {...theme.key}>{`  ${fit(keysLabel(binding), KEYS_WIDTH)}`}</Text>
          {truncate(binding.description, Math.max(0, props.width - KEYS_WIDTH - 2))}
        </Text>
      ))}
    </Box>
  );
}
