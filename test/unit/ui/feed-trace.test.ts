import { describe, expect, it } from 'vitest';
import { FeedTrace } from '../../../src/ui/feed-trace.js';
import { fileDenial, syscallDenial } from './fixtures.js';

describe('the feed trace', () => {
  it("records only its syscall's denials, with the times it was given, and each flush and frame", () => {
    const trace = new FeedTrace(136);
    const marker = { ...syscallDenial('foo', 'app', 136, 1_773_415_100, 'ustat') };
    const stamped = { ...marker, auditStamp: { seconds: 1_773_415_100, millis: 250, serial: 7 } };
    trace.denial(syscallDenial('foo', 'app', 1, 1_773_415_100, 'exit'), 1, 2, 3);
    trace.denial(fileDenial('foo', 'app', '/etc/shadow', 1_773_415_100), 1, 2, 3);
    trace.denial(stamped, 1_773_415_100_300, 1_773_415_100_301.5, 9);
    trace.flush(9);
    trace.frame(2032);
    const lines = trace.take().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^denial 1773415100250 1773415100300 1773415100301\.50 \d+\.\d\d 9$/);
    expect(lines[1]).toMatch(/^flush \d+\.\d\d 9$/);
    expect(lines[2]).toMatch(/^frame \d+\.\d\d 2032$/);
    expect(trace.take()).toBe('');
  });

  it('writes a dash for what the denial does not say', () => {
    const trace = new FeedTrace(1);
    const { auditStamp: _, ...unstamped } = syscallDenial('foo', 'app', 1, 1_773_415_100, 'exit');
    trace.denial(unstamped, undefined, 5, 1);
    expect(trace.take()).toMatch(/^denial - - 5\.00 \d+\.\d\d 1\n$/);
  });
});
