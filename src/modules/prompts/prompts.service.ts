import { errors } from '../../shared/errors.js';
import { NAME_MAX_LENGTH, normalizeName } from '../../shared/names.js';
import type { Policy } from '../access/policy.js';
import type { Principal } from '../auth/auth.service.js';
import type { PromptRepository, PromptRow } from './prompt.repository.js';

/** The default system prompt installed on first run (bilingual, as our users are). */
export const DEFAULT_SYSTEM_PROMPT = [
  "You are PrivateStack, a careful assistant running on the company's own servers.",
  'Answer in the language of the question (Bahasa Indonesia or English).',
  'Be concise and structured; say so plainly when you do not know.',
].join(' ');

/** A prompt as the API shows it. */
export function presentPrompt(row: PromptRow) {
  return {
    id: row.id,
    name: row.name,
    content: row.content,
    description: row.description,
    is_active: row.is_active === 1,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * The system-prompt library (seed 002): admins manage it; exactly one prompt is active. Each method
 * acting for a caller checks the permission table first (modules/access).
 */
export function createPromptsService(dependencies: {
  prompts: PromptRepository;
  policy: Pick<Policy, 'authorize'>;
  clock: () => Date;
}) {
  const { prompts, policy, clock } = dependencies;
  const nowIso = () => clock().toISOString();
  const require = async (id: string) => {
    const row = await prompts.findById(id);
    if (!row) throw errors.notFound('Prompt');
    return row;
  };

  return {
    /** Every prompt. */
    list: async (principal: Principal) => {
      await policy.authorize(principal, 'prompt.read');
      return (await prompts.list()).map(presentPrompt);
    },
    /** One prompt. */
    get: async (principal: Principal, id: string) => {
      await policy.authorize(principal, 'prompt.read');
      return presentPrompt(await require(id));
    },
    /** Adds a prompt; the first prompt ever created becomes active. */
    create: async (
      principal: Principal,
      input: { name: string; content: string; description?: string | null },
    ) => {
      await policy.authorize(principal, 'prompt.create');
      const first = (await prompts.count()) === 0;
      const row = await prompts.insert({
        id: crypto.randomUUID(),
        name: normalizeName(input.name, 'name', NAME_MAX_LENGTH.prompt),
        content: input.content,
        description: input.description ?? null,
        is_active: first ? 1 : 0,
        created_by: principal.user.id,
        created_at: nowIso(),
        updated_at: nowIso(),
      });
      return presentPrompt(row);
    },
    /** Edits a prompt (sessions keep the text they started with). */
    update: async (
      principal: Principal,
      id: string,
      changes: { name?: string; content?: string; description?: string | null },
    ) => {
      await policy.authorize(principal, 'prompt.update');
      await require(id);
      const name =
        changes.name === undefined ? undefined : normalizeName(changes.name, 'name', NAME_MAX_LENGTH.prompt);
      return presentPrompt(
        (await prompts.update(id, {
          ...(changes.content !== undefined && { content: changes.content }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...(name !== undefined && { name }),
          updated_at: nowIso(),
        }))!,
      );
    },
    /** Removes a prompt; the active one cannot be removed. */
    remove: async (principal: Principal, id: string) => {
      await policy.authorize(principal, 'prompt.delete');
      const row = await require(id);
      if (row.is_active) throw errors.conflict('Activate another prompt before deleting the active one');
      await prompts.delete(id);
    },
    /** Makes this prompt the one new sessions use. */
    activate: async (principal: Principal, id: string) => {
      await policy.authorize(principal, 'prompt.activate');
      await require(id);
      return presentPrompt((await prompts.activate(id, nowIso()))!);
    },
    /** The prompt a new session gets: the chosen one, else the active one (the chat service checked the caller). */
    resolveForSession: async (promptId: string | undefined): Promise<PromptRow | undefined> =>
      promptId ? require(promptId) : prompts.findActive(),
    /** Installs the default prompt when the library is empty (first run: no caller). */
    ensureDefault: async () => {
      if ((await prompts.count()) > 0) return;
      await prompts.insert({
        id: crypto.randomUUID(),
        name: 'Default assistant',
        content: DEFAULT_SYSTEM_PROMPT,
        description: 'Installed on first run',
        is_active: 1,
        created_by: null,
        created_at: nowIso(),
        updated_at: nowIso(),
      });
    },
  };
}

/** The prompts service's shape. */
export type PromptsService = ReturnType<typeof createPromptsService>;
