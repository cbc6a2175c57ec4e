// How bench/report.mjs reads each benchmark's result file: what it measures, its peers, and rows
// of { figure, ours, peer, ratio, goal, met } (met undefined when a row has no goal). The goals
// are the ones each benchmark states in its header comment.

const fmt = (x, digits = 1) =>
  typeof x === 'number' && Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
    : '—';
const ms = (x, digits = 1) => `${fmt(x, digits)} ms`;
const times = (x) => `${fmt(x, 2)}x`;
const MB = 1.048576; // MiB to MB

function scanlog(r) {
  return {
    measures: `\`scanlog --file --json\` on ${fmt(r.lines, 0)} generated syslog lines, ~2% denials of several snaps repeated by short-lived processes (median of ${r.runs} runs), every tool without NODE_EXTRA_CA_CERTS as on a fresh Debian 12.`,
    peers: "`grep -cE 'apparmor=|type=1326'`, python3-apparmor's `ReadLog`",
    rows: [
      {
        figure: 'whole file',
        ours: ms(r.scanlog_ms, 0),
        peer: `grep ${ms(r.grep_ms, 0)}`,
        ratio: times(r.ratio_vs_grep),
        goal: 'within 3x of grep',
        met: r.ratio_vs_grep <= 3,
      },
      {
        figure: 'whole file',
        ours: ms(r.scanlog_ms, 0),
        peer: `ReadLog ${ms(r.readlog_ms, 0)}`,
        ratio: `${times(r.speedup_vs_readlog)} faster`,
        goal: 'at least 3x faster than ReadLog',
        met: r.speedup_vs_readlog >= 3,
      },
      {
        figure: 'denials found',
        ours: fmt(r.denials_scanlog, 0),
        peer: `grep ${fmt(r.denials_grep, 0)}`,
        ratio: '',
        goal: 'the same',
        met: r.denials_scanlog === r.denials_grep,
      },
      ...(r.node_extra_ca_certs_inherited
        ? [
            {
              figure: 'whole file, NODE_EXTRA_CA_CERTS inherited (~50 ms more start-up for node)',
              ours: ms(r.node_extra_ca_certs_inherited.scanlog_ms, 0),
              peer: `grep ${ms(r.grep_ms, 0)}`,
              ratio: times(r.node_extra_ca_certs_inherited.ratio_vs_grep),
              goal: '(none: shown)',
            },
          ]
        : []),
      ...(r.worst_case
        ? [
            {
              figure: 'worst case: every denial distinct beyond its pid',
              ours: ms(r.worst_case.scanlog_ms, 0),
              peer: `grep ${ms(r.worst_case.grep_ms, 0)}`,
              ratio: times(r.worst_case.ratio_vs_grep),
              goal: '(none: shown)',
            },
          ]
        : []),
    ],
  };
}

function parseMicro(r) {
  const grep = r.rows.find((row) => row.label.startsWith('grep'));
  return {
    measures: `the parser's share of scanlog on the same 1,000,000 lines (median of ${r.runs} runs).`,
    peers: '`grep -cE` on the same file',
    rows: r.rows
      .filter((row) => row !== grep)
      .map((row) => ({
        figure: row.label,
        ours: ms(row.ms, 0),
        peer: `grep ${ms(grep?.ms, 0)}`,
        ratio: times(row.ratioToGrep),
        goal: '(whole scanlog: within 3x)',
      })),
  };
}

function resolve(r) {
  const rows = [
    {
      figure: 'one syscall name',
      ours: `${fmt(r.in_process_ns_per_lookup, 0)} ns in-process`,
      peer: `spawn scmp_sys_resolver ${ms(r.scmp_sys_resolver_spawn_ns_per_lookup / 1e6, 2)}`,
      ratio: `${times(r.speedup_in_process_vs_scmp_spawn)} faster`,
      goal: 'a table lookup, faster than the peer',
      met: r.speedup_in_process_vs_scmp_spawn > 1,
    },
  ];
  if (r.snappy_debug_resolve_spawn_ns_per_lookup !== undefined) {
    rows.push({
      figure: 'process per name',
      ours: `spawn \`snappy-debug resolve\` ${ms(r.snappy_debug_resolve_spawn_ns_per_lookup / 1e6, 1)}`,
      peer: `spawn scmp_sys_resolver ${ms(r.scmp_sys_resolver_spawn_ns_per_lookup / 1e6, 2)}`,
      ratio: times(r.cli_spawn_vs_scmp_spawn),
    });
  }
  return {
    measures: 'resolving an audit (arch, number) pair to a syscall name.',
    peers: "Debian's `scmp_sys_resolver` (libseccomp)",
    rows,
  };
}

function seccompCompile(r) {
  return {
    measures: `compiling snapd's default template and ${r.source?.snippets} interface snippets (${r.source?.lines} lines) to BPF.`,
    peers: "Debian 12's `snap-seccomp compile`",
    rows: [
      {
        figure: 'compile, in-process',
        ours: ms(r.oursInProcessMs),
        peer: ms(r.snapSeccompMs),
        ratio: times(r.ratioInProcessToSnapSeccomp),
        goal: r.goal ?? 'under 50 ms',
        met: r.oursInProcessMs < 50,
      },
      {
        figure: 'compile, whole CLI',
        ours: ms(r.oursCliMs, 0),
        peer: ms(r.snapSeccompMs),
        ratio: times(r.ratioCliToSnapSeccomp),
      },
      {
        figure: 'BPF instructions',
        ours: fmt(r.instructions?.ours, 0),
        peer: fmt(r.instructions?.snapSeccomp, 0),
        ratio: times(r.instructions?.ours / r.instructions?.snapSeccomp),
      },
    ],
  };
}

function suggest(r) {
  return {
    measures: `the suggestion engine: loading ${r.interfaces} interface rules and ${r.advice} advice files, and one suggestion.`,
    peers: "the issue's 200 ms load budget; `parseLine` on the same denial",
    rows: [
      {
        figure: 'loadRules, cold',
        ours: ms(r.loadRulesColdMs),
        peer: 'budget 200 ms',
        ratio: times(r.loadRulesColdVsBudget),
        goal: 'within budget (<= 1)',
        met: r.loadRulesColdVsBudget <= 1,
      },
      {
        figure: 'loadRules, warm vs cold',
        ours: '',
        peer: '',
        ratio: times(r.loadRulesWarmVsCold),
        goal: 'cheaper than cold',
        met: r.loadRulesWarmVsCold < 1,
      },
      {
        figure: 'suggest per denial',
        ours: `${fmt(r.suggestMicros)} µs`,
        peer: `parseLine ${fmt(r.parseMicros)} µs`,
        ratio: times(r.suggestVsParse),
        goal: 'within ~20x of parsing',
        met: r.suggestVsParse <= 20,
      },
    ],
  };
}

function launcher(r) {
  const m = r.median_ms;
  return {
    measures: `launching a trivial snap app under confinement (median of ${r.runs} runs).`,
    peers: "the app run plainly; Debian's `bwrap` with a comparable sandbox",
    rows: [
      {
        figure: 'launcher (--strict)',
        ours: ms(m.launcher),
        peer: `bwrap ${ms(m.bwrap)}`,
        ratio: times(r.ratios.launcher_vs_bwrap),
        goal: 'no slower than bwrap',
        met: r.ratios.launcher_vs_bwrap <= 1,
      },
      {
        figure: 'launcher (--strict)',
        ours: ms(m.launcher),
        peer: `plain ${ms(m.plain)}`,
        ratio: times(r.ratios.launcher_vs_plain),
      },
      {
        figure: 'whole `snappy-debug run --strict`',
        ours: ms(m.cli, 0),
        peer: 'goal 150 ms',
        ratio: times(r.ratios.cli_vs_150ms_goal),
        goal: 'under 150 ms',
        met: m.cli < 150,
      },
    ],
  };
}

function tui(r) {
  const b = r.burst10kPerSecond;
  const goal50 = (figure, value) => ({
    figure,
    ours: ms(value),
    peer: '',
    ratio: times(value / 50),
    goal: 'under 50 ms',
    met: value < 50,
  });
  const memory = (figure, mib) => ({
    figure,
    ours: `${fmt(mib)} MiB`,
    peer: '',
    ratio: times((mib * MB) / 300),
    goal: 'under 300 MB',
    met: mib * MB < 300,
  });
  return {
    measures: `the UI (Ink, in memory) with ${fmt(r.events, 0)} ${r.records} events in ${fmt(r.groups, 0)} groups, then a 10,000/s burst.`,
    peers: 'none; ratios are to the goal',
    rows: [
      goal50('first frame', r.firstFrameMs),
      goal50('key press to redraw, median', r.keyPressMedianMs),
      goal50('key press to redraw, p95', r.keyPressP95Ms),
      memory('resident memory after loading', r.rssMiB),
      memory('resident memory 15 s later', r.rssAfter15sMiB),
      {
        figure: 'burst ingest rate',
        ours: `${fmt(b.ratePerSecond, 0)}/s`,
        peer: 'fed 10,000/s',
        ratio: times(b.ratePerSecond / 10_000),
        goal: 'keeps pace (>= 0.95)',
        met: b.ratePerSecond >= 9_500,
      },
      {
        figure: 'burst events lost',
        ours: `${b.lost} of ${fmt(b.events, 0)}`,
        peer: '',
        ratio: '',
        goal: '0',
        met: b.lost === 0,
      },
      goal50('key press p95 during the burst', b.keyPressP95Ms),
      goal50('event-loop lag p99 during the burst', b.eventLoopLagP99Ms),
    ],
  };
}

function load(r) {
  const g = r.generator;
  const under100 = (figure, x, extra = '') => ({
    figure,
    ours: `${ms(x, 0)}${extra}`,
    peer: '',
    ratio: times(x / 100),
    goal: 'under 100 ms',
    met: x < 100,
  });
  const cpu = r.cpuMsPer1000Denials;
  const rows = [
    {
      figure: 'denials emitted',
      ours: `${fmt(g.emitted, 0)} + ${g.markers} markers`,
      peer: `asked ${fmt(r.rate * r.seconds, 0)}`,
      ratio: times(g.emitted / (r.rate * r.seconds)),
      goal: 'all',
      met: g.emitted === r.rate * r.seconds,
    },
    {
      figure: 'achieved rate (the kernel holds a denied caller while its audit backlog is full)',
      ours: `${fmt(g.achievedRate, 0)}/s`,
      peer: `asked ${fmt(r.rate, 0)}/s`,
      ratio: times(g.achievedRate / r.rate),
      goal: '>= 0.95',
      met: g.achievedRate >= r.rate * 0.95,
    },
    {
      figure: 'kernel audit records lost',
      ours: fmt(r.kernelAuditLost, 0),
      peer: '',
      ratio: '',
      goal: '0',
      met: r.kernelAuditLost === 0,
    },
    {
      figure: 'journal copies: audit / kernel (ring buffer)',
      ours: `${fmt(r.journal.auditRecords, 0)} / ${fmt(r.journal.kernelRecords, 0)}`,
      peer: `emitted ${fmt(r.ui.expected, 0)}`,
      ratio: times(r.journal.auditRecords / r.ui.expected),
    },
    {
      figure: `counted by the UI (waited up to ${fmt(r.ui.drainedMsAfterLoad / 1000, 0)} s after the load)`,
      ours: fmt(r.ui.counted, 0),
      peer: `emitted ${fmt(r.ui.expected, 0)}`,
      ratio: times(r.ui.counted / r.ui.expected),
      goal: 'all (no loss)',
      met: r.ui.lost === 0,
    },
    {
      figure: 'gaps shown by the UI',
      ours: fmt(r.ui.gaps, 0),
      peer: '',
      ratio: '',
      goal: '0',
      met: r.ui.gaps === 0,
    },
    under100('marker denial to screen, median', r.markerToScreenMs.median),
    {
      ...under100(
        'marker denial to screen, p95',
        r.markerToScreenMs.p95,
        ` (${r.markerToScreenMs.neverShown ?? 0} of ${g.markers} never shown${r.markerToScreenMs.notDelivered ? `, ${r.markerToScreenMs.notDelivered} lost by the system` : ''})`,
      ),
      met: r.markerToScreenMs.p95 < 100 && !r.markerToScreenMs.neverShown,
    },
  ];
  if (r.ui.missedFromJournal !== undefined) {
    rows.splice(5, 0, {
      figure: 'of the records in the journal (either copy), not counted by the UI',
      ours: fmt(r.ui.missedFromJournal, 0),
      peer: `in the journal ${fmt(r.journal.eitherCopy, 0)}`,
      ratio: '',
      goal: '0 (negative: the UI had more)',
      met: r.ui.missedFromJournal <= 0,
    });
  }
  if (r.journal.auditSocketDrops !== undefined && r.journal.auditSocketDrops !== null) {
    rows.splice(4, 0, {
      figure: "journald's audit socket: records dropped (multicast, no backpressure)",
      ours: fmt(r.journal.auditSocketDrops, 0),
      peer: '',
      ratio: '',
    });
  }
  const stages = r.markerStagesMs;
  if (stages?.readByUs?.samples) {
    rows.push(
      {
        figure: `of which the system's part (marker to readable by us${r.source === 'journald' ? '; journald tells followers at most every 250 ms' : ''}), median / p95`,
        ours: `${ms(stages.readByUs.median)} / ${ms(stages.readByUs.p95)}`,
        peer: '',
        ratio: '',
      },
      under100('of which ours (read by us to on a frame), median', stages.ours.median),
      under100(
        'of which ours (read by us to on a frame), p95',
        stages.ours.p95,
        ` (${stages.ours.samples} traced)`,
      ),
    );
  }
  if (r.frameIntervalMs?.samples) {
    rows.push(
      under100('frame to frame while loaded, median', r.frameIntervalMs.median),
      under100(
        'frame to frame while loaded, p95',
        r.frameIntervalMs.p95,
        ` (${r.frameIntervalMs.frames} frames, ${r.frameIntervalMs.over100} gaps of 100 ms or more)`,
      ),
    );
  }
  if (r.markerToJournalMs) {
    rows.push({
      figure: 'of which marker to journal, median',
      ours: ms(r.markerToJournalMs.median),
      peer: '',
      ratio: '',
    });
  }
  rows.push(
    under100('key press to redraw under load, median', r.keyPressMs.median),
    under100('key press to redraw under load, p95', r.keyPressMs.p95, ` (${r.keyPressMs.samples} presses)`),
    {
      figure: 'resident memory, max',
      ours: `${fmt(r.rssMiB.max)} MiB`,
      peer: '',
      ratio: times((r.rssMiB.max * MB) / 300),
      goal: 'under 300 MB',
      met: r.rssMiB.max * MB < 300,
    },
    {
      figure: 'resident memory trend, last 30 s',
      ours: `${fmt(r.rssMiB.last30sSlopePerMinute, 2)} MiB/min`,
      peer: '',
      ratio: '',
      goal: 'flat (< 5 MiB/min)',
      met: Math.abs(r.rssMiB.last30sSlopePerMinute) < 5,
    },
    {
      figure: 'CPU per 1,000 denials: UI / journalctl / journald',
      ours:
        [cpu.ui, cpu.journalctl, cpu.journald]
          .map((x) => (x === null || x === undefined ? '—' : fmt(x)))
          .join(' / ') + ' ms',
      peer: `one core at the rate: ${fmt(1e6 / r.rate, 0)} ms`,
      ratio: times(cpu.ui / (1e6 / r.rate)),
      goal: 'UI under one core',
      met: cpu.ui < 1e6 / r.rate,
    },
  );
  const every10 = r.rssMiB.samples.filter((_, i) => i % 10 === 0);
  return {
    measures:
      `${fmt(r.rate, 0)} real seccomp denials a second for ${r.seconds} s (test/helpers/load-seccomp) followed ` +
      `by \`scanlog\` in a real terminal (tmux) through ${r.source}.`,
    peers: "the generator's own count, the kernel's audit counter and the journal (ground truth); the goals",
    rows,
    notes: `Resident memory every 10 s (MiB): ${every10.join(', ')}.`,
  };
}

function fuzzLines(r) {
  return {
    measures: `the scan pipeline line by line on ${fmt(r.lines, 0)} mutated and noise lines (seed ${r.seed}).`,
    peers: 'none; the slowest lines are re-timed as the minimum of 10 runs',
    rows: [
      { figure: 'mean per line', ours: `${fmt(r.meanUs, 2)} µs`, peer: '', ratio: '' },
      {
        figure: 'p99 / p99.9 / max, first run',
        ours: `${fmt(r.p99Ms, 3)} / ${fmt(r.p999Ms, 3)} / ${fmt(r.maxMs, 2)} ms`,
        peer: '',
        ratio: '',
      },
      {
        figure: `slowest ${r.retimed} lines over ${r.goalMs} ms as min-of-10`,
        ours: fmt(r.minOf10OverGoal, 0),
        peer: '',
        ratio: '',
        goal: `none over ${r.goalMs} ms`,
        met: r.minOf10OverGoal === 0,
      },
    ],
  };
}

export const DESCRIBERS = {
  'fuzz-lines': fuzzLines,
  scanlog,
  'parse-micro': parseMicro,
  resolve,
  'seccomp-compile': seccompCompile,
  suggest,
  launcher,
  tui,
  load,
  'load-kmsg': load,
};

/** Rows for a result file nobody described: its top-level numbers. */
export function genericRows(result) {
  return Object.entries(result)
    .filter(([, value]) => typeof value === 'number')
    .map(([key, value]) => ({ figure: key, ours: fmt(value, 3), peer: '', ratio: '' }));
}
