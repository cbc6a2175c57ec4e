import { describe, expect, it } from 'vitest';
import { nativeSelectionOf } from '../../../src/sources/journal-args.js';

describe('nativeSelectionOf (which journalctl arguments the native reader does itself)', () => {
  it('takes no arguments, a directory in its three spellings, and FIELD=VALUE matches', () => {
    expect(nativeSelectionOf([])).toEqual({ matches: [] });
    expect(nativeSelectionOf(['--directory=/j'])).toEqual({ directory: '/j', matches: [] });
    expect(nativeSelectionOf(['--directory', '/j', '_TRANSPORT=kernel'])).toEqual({
      directory: '/j',
      matches: ['_TRANSPORT=kernel'],
    });
    expect(nativeSelectionOf(['-D', '/j', 'SYSLOG_IDENTIFIER=a=b', '_PID=1'])).toEqual({
      directory: '/j',
      matches: ['SYSLOG_IDENTIFIER=a=b', '_PID=1'],
    });
  });

  it('leaves everything else to journalctl', () => {
    for (const args of [
      ['--since=-60s'],
      ['_TRANSPORT=kernel', '--until=@1'],
      ['+'],
      ['/usr/bin/foo'],
      ['_transport=kernel'],
      ['--directory'],
      ['--directory='],
      ['-D'],
      ['--unit=foo'],
    ])
      expect(nativeSelectionOf(args)).toBeUndefined();
  });
});
