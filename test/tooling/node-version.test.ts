import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as acorn from 'acorn';
import { afterAll, describe, expect, it } from 'vitest';

// Issue #10 item 2: a too-old Node gets one clear sentence before anything else can fail. The old
// Node is played by the running one with process.versions.node replaced before the code runs.
const folder = mkdtempSync(path.join(tmpdir(), 'privatestack-node-check-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** NODE_OPTIONS that make every node process started with them report `version`. */
function pretend(version: string): string {
  const preload = path.join(folder, `node-${version}.mjs`);
  writeFileSync(preload, `Object.defineProperty(process.versions, 'node', { value: '${version}' });\n`);
  return `--import=${preload}`;
}

function run(command: string, args: string[], version: string) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: pretend(version) },
    timeout: 30_000,
  });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('Node version check', () => {
  it.each(['18.19.0', '20.18.3', '16.20.2'])('the CLI refuses Node %s and names the minimum', (version) => {
    const result = run(process.execPath, ['bin/privatestack.js', '--help'], version);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`PrivateStack needs Node.js 20.19 or newer; this is Node.js ${version}`);
    expect(result.stdout).toBe('');
  });

  it.each(['20.19.0', '20.20.2', '22.12.0', '24.1.0'])('accepts Node %s', (version) => {
    const result = run(process.execPath, ['bin/node-version.js'], version);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('npm start stops at the check, before installing or building anything', () => {
    const result = run('bash', ['scripts/start.sh'], '18.19.0');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PrivateStack needs Node.js 20.19 or newer; this is Node.js 18.19.0');
    expect(result.stdout).not.toMatch(/added \d+ packages|vite|build/i);
  });
});

describe('the files an old Node parses before the check', () => {
  // Node 12/14 (still the apt package on some servers) stop with a SyntaxError at `??`, `?.` or a
  // top-level await before any check could run, so the launcher and the check avoid them; the rest
  // of the launcher is a dynamic import after the check.
  it.each(['bin/privatestack.js', 'bin/node-version.js'])(
    '%s uses no syntax newer than Node 12 parses',
    (file) => {
      const source = readFileSync(file, 'utf8').replace(/^#!.*\n/, '');
      // ES2020 modules: import.meta and import() parse, a top-level await does not.
      expect(() => acorn.parse(source, { ecmaVersion: 2020, sourceType: 'module' })).not.toThrow();
      const newer = [...acorn.tokenizer(source, { ecmaVersion: 2020, sourceType: 'module' })]
        .filter(
          (token) => token.type === acorn.tokTypes.coalesce || token.type === acorn.tokTypes.questionDot,
        )
        .map((token) => `${token.type.label} at ${token.start}`);
      expect(newer).toEqual([]);
    },
  );

  it('the check itself would catch them: `??` is found in a file that has one', () => {
    const tokens = [...acorn.tokenizer('const a = b ?? c;', { ecmaVersion: 2020 })];
    expect(tokens.some((token) => token.type === acorn.tokTypes.coalesce)).toBe(true);
  });
});
