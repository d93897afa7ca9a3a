// What the user is typing, per conversation, kept in sessionStorage: a reload, or a session that
// ran out while the text waited, loses nothing. Text that is being sent stays stored (but leaves
// the composer) until the server has it.
import { useSyncExternalStore } from 'react';
import { onSessionEnd } from '../../api/session';

const PREFIX = 'privatestack.chat.draft.';
const visible = new Map<string, string>();
const listeners = new Set<() => void>();

// One user's unsent text is never shown to the next one on this tab.
onSessionEnd(() => {
  visible.clear();
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
  } catch {
    // storage blocked: nothing was stored
  }
  for (const listener of listeners) listener();
});

function stored(key: string): string {
  try {
    return sessionStorage.getItem(PREFIX + key) ?? '';
  } catch {
    return '';
  }
}

function store(key: string, text: string): void {
  try {
    if (text) sessionStorage.setItem(PREFIX + key, text);
    else sessionStorage.removeItem(PREFIX + key);
  } catch {
    // storage full or blocked: the draft lives in memory only
  }
}

function show(key: string, text: string): void {
  visible.set(key, text);
  for (const listener of listeners) listener();
}

/** The draft key of a conversation ('new' for a chat not started yet). */
export const draftKey = (conversationId: string | undefined) => conversationId ?? 'new';

/** The composer's text for a conversation, re-rendering when it changes. */
export function useDraft(key: string): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => visible.get(key) ?? stored(key),
  );
}

/** The user typed. */
export function setDraft(key: string, text: string): void {
  store(key, text);
  show(key, text);
}

/** The text is being sent: clear the composer, keep the stored copy until the server has it. */
export function holdDraft(key: string): void {
  show(key, '');
}

/** The server stored the message: forget the held copy (unless the user typed something new). */
export function releaseDraft(key: string): void {
  if (!visible.get(key)) store(key, '');
}

/** Sending failed: put the text back in the composer (after anything typed meanwhile). */
export function restoreDraft(key: string, text: string): void {
  const current = visible.get(key) ?? '';
  const next = current && current !== text ? `${text}\n${current}` : text;
  setDraft(key, next);
}
