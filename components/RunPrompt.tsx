import { Text } from 'ink';
import { truncate } from '../src/ui/format.js';
import { useTheme } from './ThemeContext.js';

export interface RunPromptProps {
  readonly snap: string;
  readonly input: string;
  readonly width: number;
}

/** The run-target prompt: `run SNAP.` then the app and arguments being typed. */
export function RunPrompt(props: RunPromptProps) {
  const theme = useTheme();
  const prompt = `run ${props.snap}.${props.input}`;
  const help = '   (APP ARGS...; Enter run, Esc cancel)';
  return (
    <Text wrap="truncate-end">
      <Text {...theme.key}>{truncate(prompt, props.width - 1)}</Text>
      <Text {...theme.selected}> </Text>
      <Text {...theme.muted}>{truncate(help, Math.max(0, props.width - prompt.length - 1))}</Text>
    </Text>
  );
}
