import { InvalidArgumentError, Option, type Command } from 'commander';
import { MAX_TOP_K, type SearchMode, type SearchResult } from '../../modules/retrieval/retrieval.service.js';
import { AppError } from '../../shared/errors.js';
import { printTable } from '../cli-runtime.js';
import {
  actingPrincipal,
  exitTwoOnUsageErrors,
  findWorkspace,
  UsageError,
  withKnowledgeRuntime,
  withUsageErrors,
} from './knowledge-cli.js';

const MODES: readonly SearchMode[] = ['hybrid', 'keyword', 'vector'];
const SNIPPET_LENGTH = 80;

interface SearchFlags {
  workspace?: string;
  topK?: number;
  mode: SearchMode;
  as?: string;
  json?: boolean;
}

/** `privatestack search "query"`: the knowledge base's ranked chunks, as the acting user may see them. */
export function registerSearchCommand(program: Command): void {
  program
    .command('search')
    .description('Search the knowledge base with the permissions of a user (default: the first admin)')
    .argument('<query>', 'what to look for')
    .option('--workspace <name>', 'only this workspace: its name or id')
    .option('--top-k <n>', `how many results (1-${MAX_TOP_K}; default: RAG_TOP_K)`, parseTopK)
    .addOption(new Option('--mode <mode>', 'how candidates are found').choices(MODES).default('hybrid'))
    .option('--as <login>', 'search as this user, by username or e-mail (default: the first active admin)')
    .option('--json', 'print the full results as JSON')
    .exitOverride(exitTwoOnUsageErrors)
    .action(withUsageErrors(search));
}

async function search(query: string, flags: SearchFlags): Promise<void> {
  if (query.trim() === '') throw new UsageError('the query is empty');
  await withKnowledgeRuntime(async ({ services }) => {
    const principal = await actingPrincipal(services, flags.as);
    const workspace =
      flags.workspace === undefined ? undefined : await findWorkspace(services, principal, flags.workspace);
    let response;
    try {
      response = await services.retrieval.search(principal, {
        query,
        topK: flags.topK,
        mode: flags.mode,
        workspaceIds: workspace ? [workspace.id] : undefined,
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_ERROR') throw new UsageError(error.message);
      throw error;
    }
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
      return;
    }
    if (response.mode !== flags.mode)
      process.stderr.write(`note: ${response.mode} search only (no embedding model; set EMBEDDINGS_MODEL)\n`);
    printTable(
      response.results.map((result, index) => ({
        rank: index + 1,
        score: result.score.toFixed(3),
        file: result.filename,
        page: pageOf(result),
        heading: clip(result.metadata.heading ?? '', 30),
        snippet: snippet(result.content, query),
      })),
    );
  });
}

function parseTopK(value: string): number {
  const topK = Number(value);
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K)
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_TOP_K}`);
  return topK;
}

function pageOf(result: SearchResult): string {
  if (result.page === null) return '';
  return result.page_end !== null && result.page_end !== result.page
    ? `${result.page}-${result.page_end}`
    : String(result.page);
}

/** One line of the chunk around the first query word it contains (or its start). */
export function snippet(content: string, query: string, length = SNIPPET_LENGTH): string {
  const text = content.replace(/\s+/g, ' ').trim();
  const lower = text.toLowerCase();
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 3);
  const hits = words.map((word) => lower.indexOf(word)).filter((index) => index >= 0);
  const first = hits.length > 0 ? Math.min(...hits) : 0;
  const start = Math.max(0, Math.min(first - Math.floor(length / 4), text.length - length));
  const end = Math.min(text.length, start + length);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

function clip(text: string, length: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
