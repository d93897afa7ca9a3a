// Server calls and query keys of the admin console, in one place so mutations invalidate the right lists.
import { api } from '../../api/client';
import type {
  AdminStats,
  AdminUser,
  EngineState,
  ModelDownload,
  Prompt,
  RegisteredModel,
  Role,
  User,
} from '../../api/types';

/** Query keys of the admin console. */
export const adminKeys = {
  stats: (hours: number) => ['admin', 'stats', hours] as const,
  users: (skip: number) => ['admin', 'users', skip] as const,
  allUsers: ['admin', 'users'] as const,
  models: ['admin', 'models'] as const,
  downloads: ['admin', 'downloads'] as const,
  prompts: ['admin', 'prompts'] as const,
};

/** The dashboard figures for the last `hours` hours. */
export const fetchStats = (hours: number, signal: AbortSignal) =>
  api<AdminStats>('GET', '/api/v1/admin/stats', { query: { hours }, signal });

/** One page of users with their chat counts. */
export const fetchUsers = (skip: number, limit: number, signal: AbortSignal) =>
  api<{ total: number; users: AdminUser[] }>('GET', '/api/v1/users', { query: { skip, limit }, signal });

/** What the create-user dialog sends. */
export interface NewUser {
  email: string;
  username?: string;
  display_name?: string;
  role: Role;
  password: string;
  must_change_password: boolean;
}

/** Creates an account. */
export const createUser = (body: NewUser) => api<User>('POST', '/api/v1/users', { json: body });

/** Changes role, disabled flag or display name. */
export const updateUser = (id: string, body: { role?: Role; disabled?: boolean }) =>
  api<User>('PATCH', `/api/v1/users/${encodeURIComponent(id)}`, { json: body });

/** Gives the account a generated temporary password and returns it (shown once). */
export const resetPassword = (id: string) =>
  api<{ temporary_password?: string }>('POST', `/api/v1/users/${encodeURIComponent(id)}/reset-password`, {
    json: {},
  });

/** The model registry and the engine's state. */
export const fetchModels = (signal: AbortSignal) =>
  api<{ models: RegisteredModel[]; engine: EngineState }>('GET', '/api/v1/models', { signal });

/** Recent model downloads. */
export const fetchDownloads = (signal: AbortSignal) =>
  api<{ downloads: ModelDownload[] }>('GET', '/api/v1/models/downloads', { signal });

/** Starts a background pull by catalogue name or URL. */
export const pullModel = (nameOrUrl: string, sha256?: string) =>
  api<ModelDownload>('POST', '/api/v1/models/pull', {
    json: { name_or_url: nameOrUrl, ...(sha256 && { sha256 }) },
  });

/** Runs a failed pull again (the same download, resuming its partial file). */
export const retryDownload = (id: string) =>
  api<ModelDownload>('POST', `/api/v1/models/downloads/${encodeURIComponent(id)}/retry`);

/** Hides a finished pull from the downloads list for good. */
export const dismissDownload = (id: string) =>
  api<ModelDownload>('POST', `/api/v1/models/downloads/${encodeURIComponent(id)}/dismiss`);

/** Loads a registered model into the engine for everyone. */
export const loadModel = (id: string) =>
  api<RegisteredModel>('POST', `/api/v1/models/${encodeURIComponent(id)}/load`);

/** Unregisters a model (and deletes its file when it lives in the models folder). */
export const deleteModel = (id: string) =>
  api<{ deleted_file: boolean }>('DELETE', `/api/v1/models/${encodeURIComponent(id)}`);

/** The system-prompt library. */
export const fetchPrompts = (signal: AbortSignal) =>
  api<{ prompts: Prompt[] }>('GET', '/api/v1/prompts', { signal });

/** What the prompt dialog sends. */
export interface PromptInput {
  name: string;
  content: string;
  description: string | null;
}

/** Creates a system prompt. */
export const createPrompt = (body: PromptInput) => api<Prompt>('POST', '/api/v1/prompts', { json: body });

/** Edits a system prompt. */
export const updatePrompt = (id: string, body: PromptInput) =>
  api<Prompt>('PATCH', `/api/v1/prompts/${encodeURIComponent(id)}`, { json: body });

/** Makes this prompt the one new conversations use. */
export const activatePrompt = (id: string) =>
  api<Prompt>('PATCH', `/api/v1/prompts/${encodeURIComponent(id)}/activate`);

/** Deletes a system prompt. */
export const deletePrompt = (id: string) =>
  api<undefined>('DELETE', `/api/v1/prompts/${encodeURIComponent(id)}`);
