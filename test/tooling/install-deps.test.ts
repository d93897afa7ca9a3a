import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Issue #10 item 2: `npm test` must fail when its npm install prints EBADENGINE (a dependency that
// refuses the Node versions the README promises), and a second run must not install again.
// A stand-in `npm` on the PATH plays the registry; the script and the manifests are the real ones.
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const EBADENGINE_WARNING =
  "npm warn EBADENGINE Unsupported engine {\nnpm warn EBADENGINE   package: 'cookie@2.0.2',\n" +
  "npm warn EBADENGINE   required: { node: '>=22' },\nnpm warn EBADENGINE   current: { node: 'v20.20.2', npm: '11.19.1' }\nnpm warn EBADENGINE }";

/** A checkout without node_modules, and an `npm` that logs its calls and prints `output` to stderr. */
function checkout(output: string): { root: string; calls: () => string[] } {
  const root = mkdtempSync(path.join(tmpdir(), 'privatestack-install-'));
  folders.push(root);
  mkdirSync(path.join(root, 'scripts'));
  for (const file of [
    'scripts/install-deps.sh',
    'scripts/input-stamp.js',
    'package.json',
    'package-lock.json',
  ])
    cpSync(file, path.join(root, file));
  mkdirSync(path.join(root, 'fake-bin'));
  const npm = path.join(root, 'fake-bin', 'npm');
  writeFileSync(
    npm,
    `#!/bin/sh\necho "$*" >> "${root}/npm-calls"\ncat >&2 <<'OUT'\n${output}\nOUT\nmkdir -p node_modules\n`,
  );
  chmodSync(npm, 0o755);
  const callsFile = path.join(root, 'npm-calls');
  return {
    root,
    calls: () => (existsSync(callsFile) ? readFileSync(callsFile, 'utf8').trim().split('\n') : []),
  };
}

function install(root: string, ...args: string[]) {
  const result = spawnSync('bash', [path.join(root, 'scripts/install-deps.sh'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${path.join(root, 'fake-bin')}:${process.env.PATH ?? ''}` },
  });
  return { code: result.status, output: result.stdout + result.stderr };
}

describe('install-deps.sh', () => {
  it('with --fail-on-ebadengine (scripts/test.sh), an EBADENGINE warning fails the run', () => {
    const { root, calls } = checkout(EBADENGINE_WARNING);
    const result = install(root, '--fail-on-ebadengine');
    expect(result.code).toBe(1);
    expect(result.output).toContain('error: npm install printed EBADENGINE');
    expect(calls()).toEqual(['install --no-audit --no-fund']);
    // Not recorded as installed: the next run tries again instead of trusting the tree.
    expect(existsSync(path.join(root, 'node_modules/.privatestack-install-stamp'))).toBe(false);
  });

  it('without the flag (npm start) the warning is shown and the start goes on', () => {
    const { root } = checkout(EBADENGINE_WARNING);
    const result = install(root);
    expect(result.code).toBe(0);
    expect(result.output).toContain('EBADENGINE');
  });

  it('a clean install is recorded, and the next run does not install again', () => {
    const { root, calls } = checkout('added 510 packages in 40s');
    expect(install(root, '--fail-on-ebadengine').code).toBe(0);
    expect(install(root, '--fail-on-ebadengine')).toEqual({ code: 0, output: '' });
    expect(calls()).toHaveLength(1);
  });
});
