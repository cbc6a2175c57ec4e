export { auditSource, AUDIT_LOG } from './audit-source.js';
export { detectSource, sourceByName, SOURCE_NAMES, type DetectedSource, type DetectPaths } from './detect.js';
export { fileSource } from './file-source.js';
export { journaldSource, type JournaldOptions } from './journald-source.js';
export { kmsgSource, KMSG } from './kmsg-source.js';
export { stdinSource } from './stdin-source.js';
export { syslogSource, pickSyslogPath, SYSLOG_CANDIDATES } from './syslog-source.js';
export type { LogSource, SourceGap, SourceLine, SourceOptions } from './types.js';
