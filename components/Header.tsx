import { Box, Text } from 'ink';
import type { DenialKind } from '../src/model/denial.js';
import { KIND_LABELS, truncate } from '../src/ui/format.js';
import type { PipelineStats } from '../src/ui/state.js';
import type { PolicyOverlay } from '../src/overlay/overlay.js';
import { useTheme } from './ThemeContext.js';

export interface HeaderProps {
  /** What is being followed, e.g. "journald (journalctl --follow)". */
  readonly sourceDescription: string;
  /** Snap filter in force, undefined for all snaps. */
  readonly snap?: string;
  /** Events per kind (repeats counted). */
  readonly kindCounts: Readonly<Record<DenialKind, number>>;
  /** Which kinds are shown. */
  readonly kinds: Readonly<Record<DenialKind, boolean>>;
  readonly groups: number;
  readonly stats: PipelineStats;
  /** True once a non-following source has delivered everything. */
  readonly ended: boolean;
  readonly width: number;
  /** The run indicator (`idle`, `STRICT running`, `DEVMODE exit 0`), when the snap can be run. */
  readonly runIndicator?: string;
  /** The snap's policy overlay: its entry count, and @unrestricted shown loudly while on. */
  readonly overlay?: PolicyOverlay;
}

const KIND_ORDER: readonly DenialKind[] = ['apparmor', 'seccomp', 'cgroup'];

/** Two lines: what is followed and for which snap; counts per kind and pipeline counters. */
export function Header(props: HeaderProps) {
  const theme = useTheme();
  const verb = props.ended ? 'read' : 'following';
  const followed = `${verb} ${props.sourceDescription}  snap: ${props.snap ?? 'all'}`;
  const first = `snappy-debug  ${followed}`;
  const run = props.runIndicator;
  const entries = props.overlay?.entries.length ?? 0;
  const overlayText = entries > 0 ? ` +${entries} overlay` : '';
  const runText = run === undefined ? '' : ` ${run}${overlayText} `;
  const unrestricted = props.overlay?.unrestricted ? ' SECCOMP @unrestricted ' : '';
  const runRole = run?.startsWith('STRICT')
    ? theme.denied
    : run?.startsWith('DEVMODE')
      ? theme.allowed
      : theme.muted;
  const { lines, unparsed, gaps } = props.stats;
  return (
    <Box flexDirection="column" width={props.width}>
      <Text {...theme.title} wrap="truncate-end">
        {runText === '' ? (
          truncate(first, props.width)
        ) : (
          <>
            {'snappy-debug '}
            <Text {...runRole} inverse>
              {runText}
            </Text>
            {unrestricted === '' ? null : (
              <Text {...theme.error} inverse>
                {unrestricted}
              </Text>
            )}
            {truncate(` ${followed}`, Math.max(0, props.width - 13 - runText.length - unrestricted.length))}
          </>
        )}
      </Text>
      <Text wrap="truncate-end">
        {KIND_ORDER.map((kind, index) => (
          <Text key={kind} {...(props.kinds[kind] ? theme[kind] : theme.muted)}>
            {`${index + 1}:${KIND_LABELS[kind]} ${props.kinds[kind] ? props.kindCounts[kind] : 'off'}  `}
          </Text>
        ))}
        <Text
          {...theme.muted}
        >{` ${props.groups} groups  ${lines} lines  ${unparsed} unparsed  ${gaps} gaps`}</Text>
      </Text>
    </Box>
  );
}
