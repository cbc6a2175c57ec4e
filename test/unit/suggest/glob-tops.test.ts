import { describe, expect, it } from 'vitest';
import { globTops, topDirectory } from '../../../src/suggest/glob-tops.js';
import { variablesFor } from '../../../src/suggest/variables.js';

const foo = variablesFor({ snap: 'foo' });

describe('globTops', () => {
  it.each([
    ['/etc/hosts', ['/etc/']],
    ['/etc', ['/etc']],
    ['//etc//x', ['/etc/']],
    ['@{HOME}/.config/**', ['/home/', '/root/']],
    ['@{HOME}', ['/home/', '/root']],
    ['@{run}/x', ['/run/', '/var/']],
    ['@{PROC}/@{pid}/maps', ['/proc/']],
    ['{/run,/var/run}/foo', ['/run/', '/var/']],
    ['/{,usr/}bin/ls', ['/bin/', '/usr/']],
    ['/{,var/}{run,lock}/x', ['/run/', '/lock/', '/var/']],
    ['@{SNAP}/bin/x', ['/snap/', '/var/']],
    ['@{SNAP_DATA}/x', ['/var/']],
    ['@{SNAP_USER_DATA}/x', ['/home/', '/root/']],
    ['@{INSTALL_DIR}/foo/**', ['/snap/', '/var/']],
  ])('%s matches only under %j', (glob, tops) => {
    expect([...(globTops(glob, foo) ?? [])].sort()).toEqual([...tops].sort());
  });

  it.each(['/*/x', '/**', '/{,**}', '@{unknown}/x', '@{MULTIARCH}/x', '/[ab]in/x', '\\/x', '/{a,*}/x'])(
    '%s may match anywhere',
    (glob) => {
      expect(globTops(glob, foo)).toBeUndefined();
    },
  );

  it('depends on the binding of the variables it names', () => {
    expect(globTops('@{X}/y', { X: '/a' })).toEqual(['/a/']);
    expect(globTops('@{X}/y', { X: '/b|/c/d' })).toEqual(['/b/', '/c/']);
    expect(globTops('@{X}/y', { X: '(?:/a)|/b' })).toBeUndefined();
  });

  it('names the top directory of a path', () => {
    expect(topDirectory('/sys/devices/x')).toBe('/sys/');
    expect(topDirectory('/sys')).toBe('/sys');
    expect(topDirectory('')).toBe('');
  });
});
