import { Box, Text } from 'ink';
import { fit, truncate } from '../src/ui/format.js';
import { KEY_TABLE, keysLabel, type KeyBinding } from '../src/ui/keymap.js';
import { useTheme } from './ThemeContext.js';

export interface HelpOverlayProps {
  readonly width: number;
  readonly height: number;
}

const KEYS_WIDTH = 18;
/** Keys column in two-column help, where room is short. */
const NARROW_KEYS_WIDTH = 12;

function Entry(props: { readonly binding: KeyBinding; readonly width: number; readonly keysWidth: number }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text {...theme.key}>{`  ${fit(keysLabel(props.binding), props.keysWidth - 1)} `}</Text>
      {truncate(props.binding.description, Math.max(0, props.width - props.keysWidth - 2))}
    </Text>
  );
}

/**
 * The key table, as data says it: keys and what they do, in two columns when one does not fit
 * the screen's height. Closes with Esc, q or ?.
 */
export function HelpOverlay(props: HelpOverlayProps) {
  const theme = useTheme();
  const oneColumn = KEY_TABLE.length + 1 <= props.height;
  const half = Math.ceil(KEY_TABLE.length / 2);
  const columns = oneColumn ? [KEY_TABLE] : [KEY_TABLE.slice(0, half), KEY_TABLE.slice(half)];
  const columnWidth = oneColumn ? props.width : Math.floor(props.width / 2);
  const keysWidth = oneColumn ? KEYS_WIDTH : NARROW_KEYS_WIDTH;
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <Text {...theme.title}>{truncate('snappy-debug keys  (Esc, q or ? to close)', props.width)}</Text>
      <Box flexDirection="row">
        {columns.map((bindings, index) => (
          <Box key={index} flexDirection="column" width={columnWidth}>
            {bindings.map((binding) => (
              <Entry key={binding.command} binding={binding} width={columnWidth} keysWidth={keysWidth} />
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
