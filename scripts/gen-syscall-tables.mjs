#!/usr/bin/env node
// Generates src/seccomp/generated/syscalls.ts from libseccomp's syscalls.csv.
//
//   node scripts/gen-syscall-tables.mjs [CSV] [OUT]
//
// CSV defaults to ../shared/data/libseccomp-syscalls.csv next to the repository, OUT to the
// committed table. The unit test imports generateSyscallTables() and compares its output with the
// committed file, so the table can never drift from the data it claims to come from.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const repoRoot = new URL('../', import.meta.url);
export const DEFAULT_CSV = fileURLToPath(new URL('../shared/data/libseccomp-syscalls.csv', repoRoot));
export const DEFAULT_OUT = fileURLToPath(new URL('src/seccomp/generated/syscalls.ts', repoRoot));

// libseccomp's pseudo syscall numbers (__PNR_*): what its resolver answers for a name that does not
// exist on an architecture, and how multiplexed socket/ipc calls are named before rewriting.
// Each entry is a run of consecutive numbers counting down from the first. They are ABI constants
// of libseccomp (include/seccomp-syscalls.h), not derivable from the CSV.
const PSEUDO_RUNS = [
  [-101, 'socket bind connect listen accept getsockname getpeername socketpair send recv sendto recvfrom'],
  [-113, 'shutdown setsockopt getsockopt sendmsg recvmsg accept4 recvmmsg sendmmsg'],
  [-201, 'semop semget semctl semtimedop'],
  [-211, 'msgsnd msgrcv msgget msgctl'],
  [-221, 'shmat shmdt shmget shmctl'],
  [
    -10001,
    'arch_prctl bdflush break chown32 epoll_ctl_old epoll_wait_old fadvise64_64 fchown32 fcntl64 fstat64 ' +
      'fstatat64 fstatfs64 ftime ftruncate64 getegid32 geteuid32 getgid32 getgroups32 getresgid32 ' +
      'getresuid32 getuid32 gtty idle ipc lchown32 _llseek lock lstat64 mmap2 mpx newfstatat _newselect ' +
      'nice oldfstat oldlstat oldolduname oldstat olduname prof profil readdir security sendfile64 ' +
      'setfsgid32 setfsuid32 setgid32 setgroups32 setregid32 setresgid32 setresuid32 setreuid32 setuid32 ' +
      'sgetmask sigaction signal sigpending sigprocmask sigreturn sigsuspend socketcall ssetmask stat64 ' +
      'statfs64 stime stty truncate64 tuxcall ugetrlimit ulimit umount vm86 vm86old waitpid create_module ' +
      'get_kernel_syms get_thread_area nfsservctl query_module set_thread_area _sysctl uselib vserver ' +
      'arm_fadvise64_64 arm_sync_file_range',
  ],
  [
    -10086,
    'pciconfig_iobase pciconfig_read pciconfig_write sync_file_range2 syscall afs_syscall fadvise64 getpmsg ' +
      'ioperm iopl',
  ],
  [-10097, 'migrate_pages modify_ldt putpmsg sync_file_range select vfork cachectl cacheflush'],
  [-10106, 'sysmips timerfd time getrandom memfd_create kexec_file_load'],
  [
    -10145,
    'sysfs oldwait4 access alarm chmod chown creat dup2 epoll_create epoll_wait eventfd fork futimesat ' +
      'getdents getpgrp inotify_init lchown link lstat mkdir mknod open pause pipe poll readlink rename ' +
      'rmdir signalfd stat symlink unlink ustat utime utimes getrlimit mmap breakpoint set_tls usr26 usr32 ' +
      'multiplexer rtas spu_create spu_run swapcontext sys_debug_setcontext',
  ],
  // -10191 is shared: sys_debug_setcontext above and switch_endian here.
  [
    -10191,
    'switch_endian get_mempolicy move_pages mbind set_mempolicy s390_runtime_instr s390_pci_mmio_read ' +
      's390_pci_mmio_write membarrier userfaultfd pkey_mprotect pkey_alloc pkey_free get_tls ' +
      's390_guarded_storage s390_sthyi subpage_prot statx io_pgetevents rseq setrlimit clock_adjtime64 ' +
      'clock_getres_time64 clock_gettime64 clock_nanosleep_time64 clock_settime64 clone3 fsconfig fsmount ' +
      'fsopen fspick futex_time64 io_pgetevents_time64 move_mount mq_timedreceive_time64 ' +
      'mq_timedsend_time64 open_tree pidfd_open pidfd_send_signal ppoll_time64 pselect6_time64 ' +
      'recvmmsg_time64 rt_sigtimedwait_time64 sched_rr_get_interval_time64 semtimedop_time64 ' +
      'timer_gettime64 timer_settime64 timerfd_gettime64 timerfd_settime64 utimensat_time64 ppoll renameat ' +
      'riscv_flush_icache memfd_secret map_shadow_stack fstat atomic_barrier atomic_cmpxchg_32 getpagesize ' +
      'riscv_hwprobe uretprobe listns rseq_slice_yield uprobe',
  ],
];

function pseudoNumbers() {
  const numbers = new Map();
  for (const [first, names] of PSEUDO_RUNS) {
    names.split(' ').forEach((name, index) => numbers.set(name, first - index));
  }
  return numbers;
}

/** Parses the CSV into { header, tables, rows: [{ name, numbers: (number|null)[] }] }. */
export function parseSyscallCsv(text) {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const headerCells = lines[0].split(',');
  if (!headerCells[0].startsWith('#syscall')) {
    throw new Error(`cannot parse syscall CSV: first line does not start with "#syscall"`);
  }
  const tables = [];
  for (let column = 1; column < headerCells.length; column += 2) {
    const table = headerCells[column];
    if (headerCells[column + 1] !== `${table}_kver`) {
      throw new Error(`cannot parse syscall CSV: column ${column + 1} should be ${table}_kver`);
    }
    tables.push(table);
  }
  const rows = lines.slice(1).map((line, index) => {
    const cells = line.split(',');
    if (cells.length !== headerCells.length) {
      throw new Error(`cannot parse syscall CSV: line ${index + 2} has ${cells.length} cells`);
    }
    const numbers = tables.map((table, t) => {
      const cell = cells[1 + 2 * t];
      if (cell === 'PNR') return null;
      if (!/^\d+$/.test(cell)) {
        throw new Error(`cannot parse syscall CSV: line ${index + 2}, ${table}: bad number "${cell}"`);
      }
      return Number(cell);
    });
    return { name: cells[0], numbers };
  });
  return { header: headerCells[0], tables, rows };
}

/** Returns the text of src/seccomp/generated/syscalls.ts for the given CSV text. */
export async function generateSyscallTables(csvText) {
  const { header, tables, rows } = parseSyscallCsv(csvText);
  const known = new Set(rows.map((row) => row.name));
  // libseccomp defines a few pseudo numbers for names its table does not have (oldwait4); its
  // resolver answers -1 for those, so they are left out.
  const pseudo = new Map([...pseudoNumbers()].filter(([name]) => known.has(name)));
  const missing = rows
    .filter((row) => row.numbers.includes(null) && !pseudo.has(row.name))
    .map((row) => row.name);
  if (missing.length > 0) {
    throw new Error(`cannot generate tables: no pseudo syscall number for ${missing.join(', ')}`);
  }
  const rowLines = rows.map((row) => `  ['${row.name}', ${row.numbers.map((n) => n ?? 'null').join(', ')}],`);
  const source = [
    '// Generated by scripts/gen-syscall-tables.mjs from libseccomp-syscalls.csv. Do not edit.',
    `// CSV header: ${header}`,
    '',
    `export const TABLE_NAMES = [${tables.map((t) => `'${t}'`).join(', ')}] as const;`,
    'export type TableName = (typeof TABLE_NAMES)[number];',
    '',
    '/** A syscall name, then its raw number per TABLE_NAMES entry; null where it does not exist. */',
    'export type SyscallRow = readonly [name: string, ...numbers: (number | null)[]];',
    '',
    '/**',
    ' * One row per syscall libseccomp knows, in CSV (alphabetical) order. Numbers are raw: without the',
    ' * x32 bit and without the MIPS ABI offsets.',
    ' */',
    '// prettier-ignore',
    'export const SYSCALL_ROWS: readonly SyscallRow[] = [',
    ...rowLines,
    '];',
    '',
    "/** libseccomp's pseudo syscall numbers (negative), by name. */",
    'export const PSEUDO_NUMBERS: ReadonlyMap<string, number> = new Map([',
    ...[...pseudo].map(([name, number]) => `  ['${name}', ${number}],`),
    ']);',
    '',
  ].join('\n');
  const options = await prettier.resolveConfig(DEFAULT_OUT);
  return prettier.format(source, { ...options, parser: 'typescript' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [csvPath = DEFAULT_CSV, outPath = DEFAULT_OUT] = process.argv.slice(2);
  writeFileSync(outPath, await generateSyscallTables(readFileSync(csvPath, 'utf8')));
  console.log(`wrote ${outPath}`);
}
