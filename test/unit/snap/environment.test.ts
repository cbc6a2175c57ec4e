import { describe, expect, it } from 'vitest';
import { appArgv, expandVariables, snapDirectories, snapEnvironment } from '../../../src/snap/environment.js';
import { parseSnapYaml } from '../../../src/snap/snap-yaml.js';

const meta = parseSnapYaml(`
name: demo
version: '3'
environment:
  LD_LIBRARY_PATH: $SNAP/lib:\${SNAP_LIBRARY_PATH}
apps:
  run:
    command: bin/run --data $SNAP_DATA
    command-chain: [bin/wrapper, /usr/bin/env]
    environment:
      CONF: $SNAP_USER_DATA/conf
      HOME: $SNAP_USER_COMMON
`);
const app = meta.apps.get('run')!;
const input = {
  meta,
  app,
  instance: 'demo_dev',
  revision: '12',
  arch: 'amd64',
  uid: 1000,
  euid: 1000,
  home: '/home/u',
};

describe('snapEnvironment', () => {
  it('sets what snapd sets, then the snap and app environment with expansion', () => {
    const env = snapEnvironment(input);
    expect(env).toMatchObject({
      SNAP: '/snap/demo/12',
      SNAP_DATA: '/var/snap/demo/12',
      SNAP_COMMON: '/var/snap/demo/common',
      SNAP_INSTANCE_NAME: 'demo_dev',
      SNAP_INSTANCE_KEY: 'dev',
      SNAP_USER_DATA: '/home/u/snap/demo_dev/12',
      SNAP_USER_COMMON: '/home/u/snap/demo_dev/common',
      XDG_RUNTIME_DIR: '/run/user/1000/snap.demo_dev',
      SNAP_REAL_HOME: '/home/u',
      TMPDIR: '/tmp',
      LD_LIBRARY_PATH: '/snap/demo/12/lib:/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32',
      CONF: '/home/u/snap/demo_dev/12/conf',
      HOME: '/home/u/snap/demo_dev/common',
    });
    expect(env.SNAP_REEXEC).toBeUndefined();
    expect(snapEnvironment({ ...input, caller: { SNAP_REEXEC: '0' } }).SNAP_REEXEC).toBe('0');
  });

  it('lists the writable directories by owner', () => {
    expect(snapDirectories(input)).toEqual({
      root: ['/var/snap/demo/12', '/var/snap/demo/common'],
      user: ['/home/u/snap/demo_dev/12', '/home/u/snap/demo_dev/common', '/run/user/1000/snap.demo_dev'],
    });
  });

  it('builds argv from the command chain, the command and the arguments', () => {
    const env = snapEnvironment(input);
    expect(appArgv('/snap/demo/12', app, env, ['x y'])).toEqual([
      '/snap/demo/12/bin/wrapper',
      '/usr/bin/env',
      '/snap/demo/12/bin/run',
      '--data',
      '/var/snap/demo/12',
      'x y',
    ]);
  });

  it('expands unknown variables to nothing, as snap-exec does', () => {
    expect(expandVariables('a$NOPE-${X}b$$', { X: 'x' })).toBe('a-xb$$');
  });
});
