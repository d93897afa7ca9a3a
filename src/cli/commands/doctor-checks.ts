/** The machine-side checks of `doctor` (CPU, data directory, database) and how their results add up. */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/config.js';
import type { presentModel } from '../../modules/models/model-registry.service.js';
import { CLI_OPERATOR, withRuntime } from '../cli-runtime.js';

/** How much a finding matters: an error blocks chat, a warning is worth acting on, ok is fine. */
export type Level = 'ok' | 'warning' | 'error';

/** Records one finding. */
export type Report = (level: Level, message: string) => void;

/** A registered model as the registry lists it. */
export type RegisteredModel = ReturnType<typeof presentModel>;

const PREFIX: Record<Level, string> = { ok: '✓ ', warning: '! warning: ', error: '✗ error: ' };

/** One finding as printed: a mark, and the level spelled out when it is not ok. */
export function formatFinding(level: Level, message: string): string {
  return `${PREFIX[level]}${message}\n`;
}

/** The closing line: errors and warnings counted, and whether chat can work; exit code 1 on any error. */
export function summarize(levels: readonly Level[]): { line: string; exitCode: number } {
  const count = (level: Level, noun: string) => {
    const n = levels.filter((candidate) => candidate === level).length;
    return `${n} ${noun}${n === 1 ? '' : 's'}`;
  };
  const errors = levels.filter((level) => level === 'error').length;
  const verdict = errors
    ? `chat cannot work until ${errors === 1 ? 'that error is' : 'those errors are'} fixed`
    : levels.includes('warning')
      ? 'nothing blocks chat; read the warnings'
      : 'all checks passed';
  return {
    line: `${count('error', 'error')}, ${count('warning', 'warning')}: ${verdict}`,
    exitCode: errors ? 1 : 0,
  };
}

/** CPU cores and the vector instructions llama.cpp is fast with. */
export function checkCpu(report: Report): void {
  const flags = existsSync('/proc/cpuinfo')
    ? (/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '')
    : '';
  const has = (flag: string) => flags.split(/\s+/).includes(flag);
  const features = ['avx', 'avx2', 'fma', 'f16c', 'avx512f'].filter(has);
  report('ok', `CPU: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown model'}`);
  if (flags && !has('avx2')) report('warning', 'CPU lacks AVX2: llama.cpp will be several times slower');
  else if (flags) report('ok', `CPU features: ${features.join(', ')}`);
}

/** DATA_DIR: a directory this user can write (or create), not open to every local user. */
export function checkDataDir(config: Config, report: Report): void {
  const dir = config.storage.dataDir;
  if (!existsSync(dir)) {
    const parent = nearestExisting(dir);
    if (writable(parent)) report('ok', `Data directory ${dir} will be created (mode 700) at first start`);
    else report('error', `Data directory ${dir} cannot be created: ${parent} is not writable by this user`);
    return;
  }
  if (!statSync(dir).isDirectory()) return report('error', `DATA_DIR ${dir} is a file, not a directory`);
  if (!writable(dir)) return report('error', `Data directory ${dir} is not writable by this user`);
  const mode = statSync(dir).mode & 0o777;
  if (mode & 0o007)
    report(
      'warning',
      `Data directory ${dir} is open to every local user (mode ${mode.toString(8)}): chmod 700 it`,
    );
  else report('ok', `Data directory ${dir} is writable (mode ${mode.toString(8)})`);
}

/**
 * Opens the database the way the server does and lists the registered models; undefined when it
 * cannot be opened (an error: the server would not start). A database not created yet has none.
 */
export async function checkDatabase(config: Config, report: Report): Promise<RegisteredModel[] | undefined> {
  const file = config.storage.sqlitePath;
  if (file !== undefined && !existsSync(file)) {
    report('ok', `Database ${file} does not exist yet; it is created at first start`);
    return [];
  }
  try {
    const models = await withRuntime(({ services }) => services.modelRegistry.list(CLI_OPERATOR));
    report('ok', `Database ${file ?? 'DATABASE_URL'} opens and its schema is current`);
    return models;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    report('error', `Database ${file ?? 'DATABASE_URL'} cannot be opened: ${reason}`);
    return undefined;
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function nearestExisting(dir: string): string {
  let current = path.dirname(dir);
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}
