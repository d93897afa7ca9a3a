import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
