import { describe, expect, it } from 'vitest';
import { commandForKey, KEY_TABLE, keyName, keyNames } from '../../../src/ui/keymap.js';
import { dispatchKey, type ViewInfo } from '../../../src/ui/reducer.js';
import { initialState } from '../../../src/ui/state.js';

const VIEW: ViewInfo = {
  length: 3,
  keyAt: (i) => `k${i}`,
  indexOf: (key) => Number(key.slice(1)),
  newestIndex: 0,
  pageSize: 2,
  detailHeight: 2,
  detailLength: 2,
};

describe('KEY_TABLE', () => {
  it('binds every key to one command only, and every command has keys and a description', () => {
    const keys = KEY_TABLE.flatMap((b) => b.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(KEY_TABLE.map((b) => b.command)).size).toBe(KEY_TABLE.length);
    for (const binding of KEY_TABLE) {
      expect(binding.keys.length).toBeGreaterThan(0);
      expect(binding.description).not.toBe('');
      for (const key of binding.keys) expect(commandForKey(key)).toBe(binding.command);
    }
  });

  it('has the keys the spec names', () => {
    const spec: Record<string, string> = {
      j: 'down',
      k: 'up',
      down: 'down',
      up: 'up',
      g: 'top',
      G: 'bottom',
      pageup: 'pageUp',
      pagedown: 'pageDown',
      enter: 'detail',
      tab: 'pane',
      '/': 'filter',
      f: 'follow',
      s: 'sort',
      '1': 'kindApparmor',
      '2': 'kindSeccomp',
      '3': 'kindCgroup',
      x: 'reviewed',
      h: 'hideReviewed',
      e: 'export',
      ':': 'command',
      '?': 'help',
      q: 'quit',
      escape: 'back',
    };
    for (const [key, command] of Object.entries(spec)) expect(commandForKey(key), key).toBe(command);
  });

  it('every bound key changes the state from the list (no dead bindings)', () => {
    const start = { ...initialState(), following: false, selectedKey: 'k1', cursorHint: 1, filter: 'x' };
    for (const binding of KEY_TABLE) {
      expect(dispatchKey(start, binding.keys[0]!, VIEW), binding.command).not.toEqual(start);
    }
  });
});

describe('keyName', () => {
  it('names special keys from Ink flags and ctrl chords', () => {
    expect(keyName('', { downArrow: true })).toBe('down');
    expect(keyName('', { pageDown: true })).toBe('pagedown');
    expect(keyName('\r', { return: true })).toBe('enter');
    expect(keyName('', { escape: true })).toBe('escape');
    expect(keyName('', { delete: true })).toBe('backspace');
    expect(keyName('c', { ctrl: true })).toBe('ctrl+c');
    expect(keyName('G', { shift: true } as never)).toBe('G');
  });

  it('splits several keys delivered in one read', () => {
    expect(keyNames('jj\r', {})).toEqual(['j', 'j', 'enter']);
    expect(keyNames('/etc\u001b', {})).toEqual(['/', 'e', 't', 'c', 'escape']);
    expect(keyNames('', { upArrow: true })).toEqual(['up']);
    expect(keyNames('x', {})).toEqual(['x']);
  });
});
