import { describe, expect, it } from 'vitest';
import { declaredPlugs, parsePlugRef, plugStates } from '../../../src/snap/connections.js';
import { parseSnapYaml } from '../../../src/snap/snap-yaml.js';
import type { RuleSet } from '../../../src/suggest/rules.js';

const rules = {
  byId: new Map([
    ['network', { autoConnect: true }],
    ['camera', { autoConnect: false }],
  ]),
} as unknown as RuleSet;

const meta = parseSnapYaml(`
name: demo
plugs:
  cam: camera
apps:
  a: { command: a, plugs: [network, cam, mystery] }
`);

describe('plug connections', () => {
  it('finds every declared plug with its interface', () => {
    expect(declaredPlugs(meta)).toEqual(
      new Map([
        ['cam', 'camera'],
        ['network', 'network'],
        ['mystery', 'mystery'],
      ]),
    );
  });

  it('auto-connects by rules, and manual changes win', () => {
    expect(plugStates(meta, rules, { connected: [], disconnected: [] })).toEqual([
      { plug: 'cam', interface: 'camera', connected: false, reason: 'not auto-connected' },
      { plug: 'mystery', interface: 'mystery', connected: false, reason: 'unknown interface' },
      { plug: 'network', interface: 'network', connected: true, reason: 'auto-connect' },
    ]);
    const changed = plugStates(meta, rules, { connected: ['cam'], disconnected: ['network'] });
    expect(changed.map((p) => [p.plug, p.connected, p.reason])).toEqual([
      ['cam', true, 'manual'],
      ['mystery', false, 'unknown interface'],
      ['network', false, 'manual'],
    ]);
  });

  it('parses SNAP:PLUG', () => {
    expect(parsePlugRef('demo:cam')).toEqual({ snap: 'demo', plug: 'cam' });
    expect(parsePlugRef('demo_x1:cam')).toEqual({ snap: 'demo_x1', plug: 'cam' });
    expect(parsePlugRef('demo.cam')).toBeUndefined();
    expect(parsePlugRef('Demo:cam')).toBeUndefined();
  });
});
