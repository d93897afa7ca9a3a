// The signed-in session, in memory only: the access token never touches storage, and the refresh
// token lives in an httpOnly cookie that page scripts cannot read.
import type { Tokens, User } from './types';

/** Where the session stands: booting, signed out, signed in, or expired while the page stayed open. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'authenticated'; user: User }
  | { status: 'expired'; user: User };

let state: SessionState = { status: 'loading' };
let accessToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();
let waiters: Array<(ok: boolean) => void> = [];
const endHooks = new Set<() => void>();

/**
 * Registers what must be forgotten when a user's session ends or another user takes over the page
 * (cached queries, drafts, running answers). Hooks run synchronously, before anything re-renders.
 */
export function onSessionEnd(hook: () => void): () => void {
  endHooks.add(hook);
  return () => endHooks.delete(hook);
}

function forgetUser(): void {
  for (const hook of endHooks) hook();
}

function emit(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** The current state (for useSyncExternalStore). */
export function getSession(): SessionState {
  return state;
}

/** Subscribes to state changes; returns the unsubscribe function. */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The in-memory access token, if any. */
export function getAccessToken(): string | null {
  return accessToken;
}

/** Stores fresh tokens; schedules a refresh a minute before the access token runs out. */
export function acceptTokens(tokens: Tokens, onRefreshDue: () => void): void {
  const previous = state.status === 'expired' || state.status === 'authenticated' ? state.user : null;
  accessToken = tokens.access_token;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(onRefreshDue, Math.max(10, tokens.expires_in - 60) * 1000);
  if (previous && previous.id !== tokens.user.id) {
    // Someone else signed in over this page (here, or in another tab: the cookie is shared): nothing
    // of the previous user's may stay on screen, and nothing may be sent on their behalf.
    accessToken = null;
    forgetUser();
    window.location.assign('/');
    return;
  }
  emit({ status: 'authenticated', user: tokens.user });
  const pending = waiters;
  waiters = [];
  for (const resolve of pending) resolve(true);
}

/** Updates the signed-in user's profile (after a password change, say). */
export function updateUser(user: User): void {
  if (state.status === 'authenticated') emit({ status: 'authenticated', user });
}

/** The session ended on purpose (logout) or was never there. */
export function signOut(): void {
  accessToken = null;
  clearTimeout(refreshTimer);
  if (state.status === 'authenticated' || state.status === 'expired') forgetUser();
  emit({ status: 'anonymous' });
  const pending = waiters;
  waiters = [];
  for (const resolve of pending) resolve(false);
}

/**
 * The session ran out while the page was open: keep the screen (and what the user was typing), ask
 * for the password again, and resolve with true once they are back.
 */
export function expireSession(): Promise<boolean> {
  accessToken = null;
  clearTimeout(refreshTimer);
  if (state.status === 'authenticated') emit({ status: 'expired', user: state.user });
  if (state.status !== 'expired') return Promise.resolve(false);
  return new Promise((resolve) => waiters.push(resolve));
}
