// Server state of the documents screen: workspaces, the document list (polled while anything is still
// being processed), one document's text, the knowledge base's health, and the actions on a document.
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, apiFetch, toApiError } from '../../api/client';
import type { Static } from '@sinclair/typebox';
import type { FileInfo, FileList, RagHealth, Workspace, WorkspaceMember } from '../../api/types';
import type { RagConfig as RagConfigSchema } from '../../../../contracts/knowledge.contract.js';
import { DEFAULT_LIMITS, type UploadLimits } from './upload';

/** The knowledge base's configuration, including what an upload may be. */
export type RagConfig = Static<typeof RagConfigSchema>;

/** Query keys of this screen (all under 'documents' / 'workspaces' so one invalidation reaches them). */
export const keys = {
  workspaces: ['workspaces'] as const,
  members: (id: string) => ['workspaces', id, 'members'] as const,
  lists: ['documents', 'list'] as const,
  list: (filter: DocumentFilter) => ['documents', 'list', filter] as const,
  detail: (id: string) => ['documents', 'detail', id] as const,
  health: ['rag', 'health'] as const,
  config: ['rag', 'config'] as const,
};

/** The list's server-side filters and page. */
export interface DocumentFilter {
  status: string;
  workspaceId: string;
  skip: number;
  limit: number;
}

/** True once a document will not change by itself any more. */
export function isFinal(file: Pick<FileInfo, 'status'>): boolean {
  return file.status === 'PROCESSED' || file.status === 'FAILED';
}

/** The workspaces the user belongs to (admins: all). */
export function useWorkspaces() {
  return useQuery({
    queryKey: keys.workspaces,
    queryFn: ({ signal }) => api<{ workspaces: Workspace[] }>('GET', '/api/v1/workspaces', { signal }),
    select: (data) => data.workspaces,
  });
}

/** user id → username, from the members of the given workspaces (to name who uploaded what). */
export function useMemberNames(workspaceIds: readonly string[]): ReadonlyMap<string, string> {
  return useQueries({
    queries: workspaceIds.map((id) => ({
      queryKey: keys.members(id),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api<{ members: WorkspaceMember[] }>('GET', `/api/v1/workspaces/${id}/members`, { signal }),
      staleTime: 60_000,
    })),
    combine: (results) => {
      const names = new Map<string, string>();
      for (const result of results)
        for (const member of result.data?.members ?? []) names.set(member.user_id, member.username);
      return names;
    },
  });
}

/** One page of documents; refetched every 1.5 s while any of them is still queued or processing. */
export function useDocuments(filter: DocumentFilter) {
  return useQuery({
    queryKey: keys.list(filter),
    queryFn: ({ signal }) =>
      api<FileList>('GET', '/api/v1/files', {
        signal,
        query: {
          skip: filter.skip,
          limit: filter.limit,
          status: filter.status || undefined,
          workspace_id: filter.workspaceId || undefined,
        },
      }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.files.some((file) => !isFinal(file)) ? 1500 : false),
  });
}

/** One document with its extracted text. */
export function useDocumentText(id: string) {
  return useQuery({
    queryKey: keys.detail(id),
    queryFn: ({ signal }) =>
      api<FileInfo>('GET', `/api/v1/files/${id}`, { signal, query: { include_content: true } }),
  });
}

/** Whether the knowledge base can search by meaning or only by keywords. */
export function useRagHealth() {
  return useQuery({
    queryKey: keys.health,
    queryFn: ({ signal }) => api<RagHealth>('GET', '/api/v1/rag/health', { signal }),
    staleTime: 60_000,
  });
}

/**
 * What the server accepts for an upload (size limit, extensions), from GET /api/v1/rag/config; its
 * defaults while that loads or when it cannot be read (the server checks again either way).
 */
export function useUploadLimits(): UploadLimits {
  const config = useQuery({
    queryKey: keys.config,
    queryFn: ({ signal }) => api<RagConfig>('GET', '/api/v1/rag/config', { signal }),
    staleTime: 5 * 60_000,
    select: (data): UploadLimits => ({
      maxUploadMb: data.uploads.max_upload_mb,
      extensions: data.uploads.accepted_extensions.map((extension) => extension.toLowerCase()),
    }),
  });
  return config.data ?? DEFAULT_LIMITS;
}

/** Creates a workspace (admins and managers). */
export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; description: string | null }) =>
      api<Workspace>('POST', '/api/v1/workspaces', { json: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.workspaces }),
  });
}

/** Deletes a document. */
export function useDeleteDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/v1/files/${id}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['documents'] }),
  });
}

/** Queues a document for extraction and indexing again. */
export function useReprocessDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<FileInfo>('POST', `/api/v1/files/${id}/reprocess`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['documents'] }),
  });
}

/** Downloads the original file with the bearer token and hands it to the browser as a saved file. */
export async function downloadDocument(file: Pick<FileInfo, 'id' | 'original_filename'>): Promise<void> {
  const response = await apiFetch('GET', `/api/v1/files/${file.id}/download`);
  if (!response.ok) throw await toApiError(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = file.original_filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Follows documents just uploaded or re-processed, even where a filter hides them from the list: polls
 * their status until it is final (or they are gone), then refreshes the lists and calls `onSettled`.
 */
export function useFollowDocuments(ids: readonly string[], onSettled: (ids: string[]) => void) {
  const queryClient = useQueryClient();
  const settled = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['documents', 'status', id],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api<{ id: string; status: FileInfo['status'] }>('GET', `/api/v1/files/${id}/status`, { signal }),
      refetchInterval: 1500,
      retry: false,
    })),
    combine: (results) =>
      ids.filter((_, index) => {
        const result = results[index];
        return result?.isError || (result?.data !== undefined && isFinal(result.data));
      }),
  });
  const done = settled.join(',');
  useEffect(() => {
    if (!done) return;
    void queryClient.invalidateQueries({ queryKey: keys.lists });
    onSettled(done.split(','));
  }, [done, onSettled, queryClient]);
}
