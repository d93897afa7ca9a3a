import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ACCEPTED_EXTENSIONS, extensionOf } from '../../modules/documents/extraction/file-type.js';
import { UsageError } from './knowledge-cli.js';

/** A path left out of an ingest run, and why. */
export interface SkippedPath {
  readonly path: string;
  readonly reason: string;
}

/** The files an ingest run will upload (absolute paths, in walk order, no duplicates) and what it leaves out. */
export interface IngestPlan {
  readonly files: string[];
  readonly skipped: SkippedPath[];
}

/**
 * Expands the command-line paths: folders are walked recursively in name order, hidden entries (dotfiles,
 * dot-folders) are ignored, symbolic links to folders inside a walk are not followed, and files without an
 * accepted extension are skipped with the reason. A path that does not exist is a UsageError.
 */
export async function collectFiles(inputs: readonly string[]): Promise<IngestPlan> {
  const files = new Set<string>();
  const skipped: SkippedPath[] = [];

  const visit = async (file: string, explicit: boolean): Promise<void> => {
    let info: Stats;
    try {
      info = await lstat(file);
    } catch (error) {
      return void skipped.push({ path: file, reason: `cannot read it (${codeOf(error)})` });
    }
    if (info.isSymbolicLink()) {
      const target = await stat(file).catch(() => undefined);
      if (!target) return void skipped.push({ path: file, reason: 'broken symbolic link' });
      if (target.isDirectory() && !explicit)
        return void skipped.push({ path: file, reason: 'symbolic link to a folder (not followed)' });
      info = target;
    }
    if (info.isDirectory()) {
      let entries: Dirent[];
      try {
        entries = await readdir(file, { withFileTypes: true });
      } catch (error) {
        return void skipped.push({ path: file, reason: `cannot read the folder (${codeOf(error)})` });
      }
      const visible = entries.filter((entry) => !entry.name.startsWith('.'));
      visible.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of visible) await visit(path.join(file, entry.name), false);
      return;
    }
    if (!info.isFile()) return void skipped.push({ path: file, reason: 'not a regular file' });
    const reason = unsupportedReason(file);
    if (reason) skipped.push({ path: file, reason });
    else files.add(file);
  };

  for (const input of inputs) {
    const absolute = path.resolve(input);
    const exists = await lstat(absolute).then(
      () => true,
      () => false,
    );
    if (!exists) throw new UsageError(`${input}: no such file or folder`);
    await visit(absolute, true);
  }
  return { files: [...files], skipped };
}

/** Why a file's name rules it out (no extension, or one that is not accepted), or undefined when it is fine. */
export function unsupportedReason(file: string): string | undefined {
  const extension = extensionOf(path.basename(file));
  if (extension === undefined) return 'no file extension';
  return ACCEPTED_EXTENSIONS.includes(extension) ? undefined : `.${extension} is not an accepted type`;
}

/** A path as the summary shows it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? (error instanceof Error ? error.message : 'unknown error');
}
