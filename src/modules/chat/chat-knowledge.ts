import type { LanguageModel, ToolDefinition } from '../../providers/llm/language-model.js';
import type { Principal } from '../auth/auth.service.js';
import type { RetrievalService, SearchResult } from '../retrieval/retrieval.service.js';
import type { ChatEvent, TurnInput } from './chat.types.js';
import { citedIndices, formatExcerpts, RAG_RULES, SEARCH_TOOL, sourcesOf } from './rag-context.js';

/**
 * The knowledge-base side of a chat turn: retrieval before the turn (`always`), the search tool the
 * model may call (`auto`), fitting excerpts into the context, and numbering the sources.
 */
export function createChatKnowledge(dependencies: {
  model: LanguageModel;
  retrieval?: Pick<RetrievalService, 'search'>;
}) {
  const { model, retrieval } = dependencies;

  /** Knowledge-base excerpts for a turn (mode `always`), and the rag_search events that report it. */
  const retrieve = async (principal: Principal, input: TurnInput, signal?: AbortSignal) => {
    const none = { results: [] as SearchResult[], events: [] as ChatEvent[] };
    if (!retrieval || input.rag?.mode !== 'always') return none;
    const query = input.message;
    const found = await retrieval.search(principal, { query, workspaceIds: input.rag.workspaceIds }, signal);
    const results = await withinBudget(found.results, input.message);
    const events: ChatEvent[] = [
      { type: 'rag-search', query, status: 'searching' },
      { type: 'rag-search', query, status: 'completed', resultsCount: results.length },
    ];
    return { results, events };
  };

  /**
   * Mode `auto`: the model decides whether to search. Each call's excerpts are numbered after the
   * ones it already has, and collected into `sources` (the array is filled while the model runs).
   */
  const searchTool = (principal: Principal, input: TurnInput, sources: SearchResult[]): ToolDefinition => ({
    ...SEARCH_TOOL,
    execute: async (args, signal) => {
      const asked = (args as { query?: unknown }).query;
      const query =
        typeof asked === 'string' && asked.trim() !== '' ? asked.trim().slice(0, 1000) : input.message;
      const found = await retrieval!.search(
        principal,
        { query, workspaceIds: input.rag?.workspaceIds },
        signal,
      );
      const fresh = found.results.filter(
        (result) => !sources.some((known) => known.chunk_id === result.chunk_id),
      );
      const kept = await withinBudget(fresh, input.message, 3);
      const firstIndex = sources.length + 1;
      sources.push(...kept);
      return kept.length > 0 ? formatExcerpts(kept, firstIndex) : 'No matching documents were found.';
    },
  });

  /**
   * The best-ranked excerpts that fit in half the context window beside the question, so history
   * and the answer keep room; lower-ranked ones are dropped whole, never cut mid-text.
   */
  const withinBudget = async (results: readonly SearchResult[], message: string, share = 2) => {
    const status = model.status();
    if (!status.loaded || !status.model) return [...results];
    let room =
      Math.floor(status.model.contextSize / share) - (await model.countTokens(`${RAG_RULES}\n${message}`));
    const kept: SearchResult[] = [];
    for (const result of results) {
      const cost = (await model.countTokens(result.content)) + 24; // fence and source line
      if (cost > room) break;
      room -= cost;
      kept.push(result);
    }
    return kept;
  };

  return {
    retrieve,
    /** The search tool for mode `auto`, or undefined when the turn does not use it. */
    toolFor: (principal: Principal, input: TurnInput, sources: SearchResult[]) =>
      input.rag?.mode === 'auto' && retrieval ? searchTool(principal, input, sources) : undefined,
  };
}

/** Sources numbered as the model saw them, each marked whether the answer cited it with [n]. */
export function markCited(retrieved: readonly SearchResult[], answer: string) {
  const cited = new Set(citedIndices(answer, retrieved.length));
  return sourcesOf(retrieved).map((source) => ({ ...source, cited: cited.has(source.index) }));
}
