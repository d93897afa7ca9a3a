import { useSyncExternalStore } from 'react';
import { getSession, subscribeSession, type SessionState } from '../api/session';
import type { Role, User } from '../api/types';

/** The session state, re-rendering on sign-in, expiry and sign-out. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSession);
}

/** The signed-in user (inside the signed-in part of the app). */
export function useUser(): User {
  const session = useSession();
  if (session.status !== 'authenticated' && session.status !== 'expired') throw new Error('not signed in');
  return session.user;
}

/** True when the role may open the admin console (admins everything, managers their part). */
export function canSeeAdmin(role: Role): boolean {
  return role === 'admin' || role === 'manager';
}
