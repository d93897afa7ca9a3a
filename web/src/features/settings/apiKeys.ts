// Server state of the personal API keys: the list, creating one (the secret comes back once), revoking.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiKey, NewApiKey } from '../../api/types';

const KEYS = ['auth', 'api-keys'] as const;

/** The signed-in user's API keys, newest first. */
export function useApiKeys() {
  return useQuery({
    queryKey: KEYS,
    queryFn: ({ signal }) =>
      api<{ api_keys: ApiKey[] }>('GET', '/api/v1/auth/api-keys', { signal }).then((body) =>
        [...body.api_keys].sort((a, b) => b.created_at.localeCompare(a.created_at)),
      ),
  });
}

/** Creates a key; the answer carries the secret, which the server never shows again. */
export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; expires_at?: string }) =>
      api<NewApiKey>('POST', '/api/v1/auth/api-keys', { json: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS }),
  });
}

/** Revokes one of the user's keys. */
export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/v1/auth/api-keys/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS }),
  });
}

/** Where a key stands: usable, revoked by its owner, or past its expiry date. */
export function keyStatus(key: ApiKey, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (key.revoked) return 'revoked';
  if (key.expires_at && Date.parse(key.expires_at) <= now) return 'expired';
  return 'active';
}

/** The end of the chosen local day as an ISO instant (what the server expects for expires_at). */
export function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

/** Today as YYYY-MM-DD in local time (the earliest expiry date one may pick). */
export function todayLocal(): string {
  const now = new Date();
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
