import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Issue #10 item 2: npm start reinstalled after node_modules was copied into a fresh clone (the
// lockfile's time was newer) and rebuilt on every start. scripts/input-stamp.js decides on content.
const script = path.resolve('scripts/input-stamp.js');
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const lockfile = (cookie: string) =>
  JSON.stringify({
    name: 'app',
    lockfileVersion: 3,
    packages: {
      '': { name: 'app' },
      'node_modules/cookie': { version: cookie },
      'node_modules/@rolldown/binding-darwin-arm64': { version: '1.0.0', optional: true },
    },
  });

/** A checkout with sources, a lockfile, an install and a build, as `npm start` leaves it. */
function checkout(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'privatestack-stamp-'));
  folders.push(root);
  const files: Record<string, string> = {
    'package.json': '{"name":"app"}',
    'package-lock.json': lockfile('1.1.1'),
    'tsconfig.json': '{}',
    'src/main.ts': 'export const a = 1;',
    'src/cli/main.ts': 'export {};',
    'web/index.html': '<!doctype html>',
    'contracts/users.contract.ts': 'export {};',
    'dist/src/cli/main.js': '',
    'dist/web/index.html': '',
    'node_modules/.package-lock.json': lockfile('1.1.1'),
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

function stamp(command: 'check' | 'record', target: string, root: string) {
  const result = spawnSync(process.execPath, [script, command, target, root], { encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

/** The inputs' times set to now + seconds (newer than any output), as a fresh clone leaves them. */
function touchAll(root: string, seconds: number) {
  const when = new Date(Date.now() + seconds * 1000);
  for (const name of ['package.json', 'package-lock.json', 'src/main.ts', 'web/index.html'])
    utimesSync(path.join(root, name), when, when);
}

describe('build decision', () => {
  it('builds once, skips the next start with nothing changed, rebuilds after a source edit', () => {
    const root = checkout();
    expect(stamp('check', 'build', root)).toMatchObject({ code: 1 });
    stamp('record', 'build', root);
    expect(stamp('check', 'build', root)).toEqual({ code: 0, output: '' });
    writeFileSync(path.join(root, 'src/main.ts'), 'export const a = 2;');
    expect(stamp('check', 'build', root).code).toBe(1);
  });

  it('rebuilds when a source file is added or removed, or the web app or a tsconfig changed', () => {
    const root = checkout();
    const changes = [
      () => writeFileSync(path.join(root, 'src/new.ts'), 'export {};'),
      () => rmSync(path.join(root, 'src/new.ts')),
      () => writeFileSync(path.join(root, 'web/index.html'), '<!doctype html><title>x</title>'),
      () => writeFileSync(path.join(root, 'tsconfig.json'), '{"compilerOptions":{}}'),
      () => writeFileSync(path.join(root, 'contracts/users.contract.ts'), 'export const b = 1;'),
    ];
    for (const change of changes) {
      stamp('record', 'build', root);
      change();
      expect(stamp('check', 'build', root).code).toBe(1);
    }
  });

  it('does not rebuild when only file times changed (a fresh clone of the same sources)', () => {
    const root = checkout();
    stamp('record', 'build', root);
    touchAll(root, 3600);
    expect(stamp('check', 'build', root).code).toBe(0);
  });

  it('builds when the output was deleted, whatever the stamp says', () => {
    const root = checkout();
    stamp('record', 'build', root);
    rmSync(path.join(root, 'dist/web'), { recursive: true });
    expect(stamp('check', 'build', root)).toMatchObject({
      code: 1,
      output: expect.stringContaining('dist/web'),
    });
  });
});

describe('install decision', () => {
  it('a node_modules copied into a fresh clone with newer file times is not reinstalled', () => {
    const original = checkout();
    stamp('record', 'install', original);
    const clone = checkout();
    rmSync(path.join(clone, 'node_modules'), { recursive: true });
    cpSync(path.join(original, 'node_modules'), path.join(clone, 'node_modules'), { recursive: true });
    touchAll(clone, 3600);
    expect(stamp('check', 'install', clone)).toEqual({ code: 0, output: '' });
  });

  it('an install from before the stamps counts as current when npm recorded the locked versions', () => {
    const root = checkout();
    touchAll(root, 3600);
    expect(stamp('check', 'install', root).code).toBe(0);
  });

  it('installs when the lockfile asks for other versions or node_modules is missing', () => {
    const root = checkout();
    stamp('record', 'install', root);
    writeFileSync(path.join(root, 'package-lock.json'), lockfile('1.2.0'));
    expect(stamp('check', 'install', root).code).toBe(1);

    const unstamped = checkout();
    writeFileSync(path.join(unstamped, 'package-lock.json'), lockfile('1.2.0'));
    expect(stamp('check', 'install', unstamped).code).toBe(1);

    rmSync(path.join(unstamped, 'node_modules'), { recursive: true });
    expect(stamp('check', 'install', unstamped)).toMatchObject({ code: 1 });
  });

  it('refuses an unknown command or target with exit 2', () => {
    expect(stamp('check', 'everything', checkout()).code).toBe(2);
  });
});
