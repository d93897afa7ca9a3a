import { createReadStream } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import type { Runtime } from '../../bootstrap.js';
import type { DocumentStatus, DocumentVisibility } from '../../db/tables.js';
import type { Principal } from '../../modules/auth/auth.service.js';
import { INGEST_JOB, type UploadOptions } from '../../modules/documents/documents.service.js';
import { ACCEPTED_EXTENSIONS } from '../../modules/documents/extraction/file-type.js';
import { collectFiles, displayPath, type SkippedPath } from './ingest-files.js';
import {
  exitTwoOnUsageErrors,
  findWorkspace,
  UsageError,
  withKnowledgeRuntime,
  withUsageErrors,
  actingPrincipal,
} from './knowledge-cli.js';

const VISIBILITIES: readonly DocumentVisibility[] = ['workspace', 'managers', 'private'];
const FINAL: readonly DocumentStatus[] = ['PROCESSED', 'FAILED'];

interface IngestFlags {
  workspace: string;
  createWorkspace?: boolean;
  as?: string;
  visibility: DocumentVisibility;
  category?: string;
  department?: string;
  tag?: string[];
}

/** One file's result. */
interface Outcome {
  readonly path: string;
  readonly ok: boolean;
  readonly reason?: string;
  readonly chunks: number;
}

/** `privatestack ingest PATH… --workspace NAME`: uploads files and folders and indexes them in this process. */
export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description("Add files and folders to a workspace's knowledge base and index them now")
    .argument('<paths...>', 'files or folders (walked recursively; hidden files and folders are ignored)')
    .requiredOption(
      '--workspace <name>',
      'the workspace to add the documents to: its name or id ("<user> (personal)": that user\'s own)',
    )
    .option('--create-workspace', 'create the workspace when it does not exist (admins and managers)')
    .option('--as <login>', 'act as this user, by username or e-mail (default: the first active admin)')
    .addOption(
      new Option('--visibility <who>', 'who in the workspace may read them')
        .choices(VISIBILITIES)
        .default('workspace'),
    )
    .option('--category <text>', 'metadata: category')
    .option('--department <text>', 'metadata: department')
    .option('--tag <tag>', 'metadata: a tag (repeatable)', appendTag)
    .exitOverride(exitTwoOnUsageErrors)
    .action(withUsageErrors(ingest));
}

async function ingest(paths: string[], flags: IngestFlags): Promise<void> {
  const startedAt = performance.now();
  const plan = await collectFiles(paths);
  const outcomes = await withKnowledgeRuntime(async (runtime) => {
    const { services } = runtime;
    const principal = await actingPrincipal(services, flags.as);
    const workspace = await findWorkspace(services, principal, flags.workspace, {
      create: flags.createWorkspace,
      hint: 'pass --create-workspace to create it',
    });
    if (workspace.status !== 'active') throw new UsageError(`workspace "${workspace.name}" is archived`);
    if (workspace.my_role === 'reader')
      throw new UsageError(`${principal.user.username} only reads "${workspace.name}" and cannot add to it`);
    process.stderr.write(
      `Ingesting ${count(plan.files.length, 'file')} into "${workspace.name}" as ${principal.user.username}\n`,
    );
    const options: UploadOptions = {
      workspaceId: workspace.id,
      visibility: flags.visibility,
      metadata: {
        ...(flags.category !== undefined && { category: flags.category }),
        ...(flags.department !== undefined && { department: flags.department }),
        ...(flags.tag && { tags: flags.tag }),
      },
    };
    const { accepted, refused } = await upload(runtime, principal, plan.files, options);
    return [...refused, ...(await processQueue(runtime, accepted))];
  });
  const order = new Map(plan.files.map((file, index) => [file, index]));
  outcomes.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
  process.stdout.write(formatSummary(outcomes, plan.skipped, performance.now() - startedAt));
  process.exitCode = outcomes.some((outcome) => !outcome.ok) ? 1 : 0;
}

/** Streams each file through the same receive + accept path as an HTTP upload; a refusal never stops the run. */
async function upload(runtime: Runtime, principal: Principal, files: string[], options: UploadOptions) {
  const { services } = runtime;
  const maxBytes = services.config.documents.maxUploadMb * 1_048_576;
  const accepted = new Map<string, string>();
  const refused: Outcome[] = [];
  const progress = createCountProgress('upload ', files.length);
  for (const file of files) {
    try {
      const received = await services.files.receive(createReadStream(file), maxBytes);
      const document = await services.documents.accept(principal, received, path.basename(file), options);
      accepted.set(document.id, file);
      progress.advance(`uploaded  ${displayPath(file)}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      refused.push({ path: file, ok: false, reason, chunks: 0 });
      progress.advance(`failed    ${displayPath(file)}: ${reason}`);
    }
  }
  progress.stop();
  return { accepted, refused };
}

/**
 * Drains the job queue in this process until every accepted document is processed or failed, waiting out
 * retry back-off; a job that gave up while its document was unfinished counts as a failure.
 */
async function processQueue(runtime: Runtime, accepted: Map<string, string>): Promise<Outcome[]> {
  const db = runtime.services.database.db;
  const ids = [...accepted.keys()];
  const outcomes = new Map<string, Outcome>();
  const progress = createCountProgress('process', ids.length);
  const settle = (id: string, outcome: Omit<Outcome, 'path'>) => {
    if (outcomes.has(id)) return;
    const file = accepted.get(id)!;
    outcomes.set(id, { path: file, ...outcome });
    progress.advance(
      outcome.ok
        ? `processed ${displayPath(file)} (${count(outcome.chunks, 'chunk')})`
        : `failed    ${displayPath(file)}: ${outcome.reason}`,
    );
  };
  const refresh = async () => {
    if (ids.length === 0) return;
    const rows = await db
      .selectFrom('documents')
      .select(['id', 'status', 'error', 'chunk_count'])
      .where('id', 'in', ids)
      .execute();
    const found = new Set(rows.map((row) => row.id));
    for (const id of ids)
      if (!found.has(id)) settle(id, { ok: false, reason: 'deleted meanwhile', chunks: 0 });
    for (const row of rows.filter((row) => FINAL.includes(row.status))) {
      const ok = row.status === 'PROCESSED';
      settle(row.id, { ok, reason: row.error ?? undefined, chunks: ok ? row.chunk_count : 0 });
    }
  };
  const poll = setInterval(() => void refresh().catch(() => undefined), 250);
  try {
    for (;;) {
      await runtime.knowledge.worker.drain();
      await refresh();
      const pending = ids.filter((id) => !outcomes.has(id));
      if (pending.length === 0) break;
      const keys = pending.map((id) => `${INGEST_JOB}:${id}`);
      const jobs = await db
        .selectFrom('jobs')
        .select(['dedupe_key', 'status', 'run_after', 'last_error'])
        .where('dedupe_key', 'in', keys)
        .execute();
      const byDocument = new Map(jobs.map((job) => [job.dedupe_key?.slice(INGEST_JOB.length + 1), job]));
      let wakeAt = Infinity;
      const gaveUp: string[] = [];
      for (const id of pending) {
        const job = byDocument.get(id);
        if (job?.status === 'queued' || job?.status === 'running')
          wakeAt = Math.min(wakeAt, Date.parse(job.run_after));
        else gaveUp.push(id);
      }
      // Another process (a running server) may have just finished it: look once more before giving up.
      if (gaveUp.length > 0) await refresh();
      for (const id of gaveUp) {
        const reason = byDocument.get(id)?.last_error ?? 'processing did not finish';
        settle(id, { ok: false, reason, chunks: 0 });
      }
      if (wakeAt !== Infinity) await sleep(Math.min(Math.max(wakeAt - Date.now(), 100), 2000));
    }
  } finally {
    clearInterval(poll);
    progress.stop();
  }
  return ids.map((id) => outcomes.get(id)!);
}

/** A count progress bar on a terminal (stderr); plain lines, one per file, otherwise. */
function createCountProgress(title: string, total: number) {
  if (!process.stderr.isTTY || total === 0) {
    return {
      advance: (line: string) => void process.stderr.write(`${line}\n`),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar({
    format: ` ${title} {bar} {value}/{total} | {current}`,
    hideCursor: true,
    fps: 5,
  });
  bar.start(total, 0, { current: '' });
  let stopped = false;
  return {
    advance: (line: string) => {
      if (!stopped) bar.increment(1, { current: line.length > 60 ? `${line.slice(0, 59)}…` : line });
    },
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

/** The closing summary: processed (with chunks), failed and skipped files with reasons, elapsed time. */
function formatSummary(outcomes: Outcome[], skipped: SkippedPath[], elapsedMs: number): string {
  const processed = outcomes.filter((outcome) => outcome.ok);
  const failed = outcomes.filter((outcome) => !outcome.ok);
  const chunks = processed.reduce((sum, outcome) => sum + outcome.chunks, 0);
  const lines = [
    '',
    `processed: ${processed.length} (${count(chunks, 'chunk')})`,
    `failed:    ${failed.length}`,
    ...failed.map((outcome) => `  ${displayPath(outcome.path)}: ${outcome.reason ?? 'unknown error'}`),
    `skipped:   ${skipped.length}`,
    ...skipped.map((skip) => `  ${displayPath(skip.path)}: ${skip.reason}`),
    ...(skipped.length > 0 ? [`  (accepted: ${ACCEPTED_EXTENSIONS.map((ext) => `.${ext}`).join(' ')})`] : []),
    `elapsed:   ${formatElapsed(elapsedMs)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function appendTag(tag: string, tags: string[] | undefined): string[] {
  return [...(tags ?? []), tag];
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
