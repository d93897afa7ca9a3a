// The upload queue, outside React: uploads keep running while the user is on another screen, and the
// documents screen shows their progress or outcome when it comes back (useSyncExternalStore). While
// one runs, closing or reloading the tab asks first; a session end aborts them all and empties the queue.
import { useSyncExternalStore } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { onSessionEnd } from '../../api/session';
import { keys } from './api';
import { precheck, uploadFile, type PrecheckProblem, type UploadLimits, type UploadTarget } from './upload';

/** One file in the queue. */
export interface UploadItem {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly state: 'uploading' | 'done' | 'error';
  /** 0..1 */
  readonly progress: number;
  /** The accepted document, once uploaded. */
  readonly documentId?: string;
  /** A refusal found before sending. */
  readonly problem?: PrecheckProblem;
  /** The server's refusal. */
  readonly error?: { code: string; message: string };
}

let items: readonly UploadItem[] = [];
const controllers = new Map<string, AbortController>();
const listeners = new Set<() => void>();
const uploadedListeners = new Set<(documentId: string) => void>();
// The first upload without a workspace creates the personal one; the others wait for its id so that
// several files dropped at once do not race to create it.
let personal: Promise<string> | null = null;
let counter = 0;

const notify = () => {
  for (const listener of listeners) listener();
};
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Closing or reloading the tab while an upload runs asks first (the browser's own wording). */
function warnBeforeUnload(event: BeforeUnloadEvent): void {
  event.preventDefault();
}

/** Listens for beforeunload only while something uploads (an idle page stays eligible for bfcache). */
function syncUnloadWarning(): void {
  if (controllers.size > 0) window.addEventListener('beforeunload', warnBeforeUnload);
  else window.removeEventListener('beforeunload', warnBeforeUnload);
}

// A session end (sign-out, another user taking over the tab) stops every upload and forgets the queue.
onSessionEnd(() => {
  const running = [...controllers.values()];
  controllers.clear();
  for (const controller of running) controller.abort();
  items = [];
  personal = null;
  syncUnloadWarning();
  notify();
});

function update(id: string, change: Partial<UploadItem>): void {
  if (!items.some((item) => item.id === id)) return;
  items = items.map((item) => (item.id === id ? { ...item, ...change } : item));
  notify();
}

async function send(file: File, target: UploadTarget, id: string, signal: AbortSignal) {
  let workspaceId = target.workspaceId;
  if (!workspaceId && personal) workspaceId = await personal.catch(() => '');
  const upload = uploadFile(file, { ...target, workspaceId }, (progress) => update(id, { progress }), signal);
  if (!workspaceId && !personal) {
    const created = upload.then((info) => info.workspace_id);
    personal = created;
    created.catch(() => {
      if (personal === created) personal = null;
    });
  }
  return upload;
}

/** The queue, newest first; re-renders on every change. */
export function useUploadItems(): readonly UploadItem[] {
  return useSyncExternalStore(subscribe, () => items);
}

/** Hears of each document accepted by an upload (while the caller listens); returns the unsubscribe. */
export function onUploaded(listener: (documentId: string) => void): () => void {
  uploadedListeners.add(listener);
  return () => uploadedListeners.delete(listener);
}

/**
 * Adds files to the queue and starts uploading those that pass the pre-check; the documents lists (and
 * the workspaces, when the personal one may have been created) are refreshed as each one finishes.
 */
export function addUploads(
  files: readonly File[],
  target: UploadTarget,
  limits: UploadLimits,
  queryClient: QueryClient,
): void {
  const fresh: UploadItem[] = [];
  for (const file of files) {
    const id = `upload-${++counter}`;
    const problem = precheck(file, limits) ?? undefined;
    fresh.push({
      id,
      name: file.name,
      size: file.size,
      state: problem ? 'error' : 'uploading',
      progress: 0,
      problem,
    });
    if (problem) continue;
    const controller = new AbortController();
    controllers.set(id, controller);
    send(file, target, id, controller.signal)
      .then((info) => {
        if (controller.signal.aborted) return;
        update(id, { state: 'done', progress: 1, documentId: info.id });
        for (const listener of uploadedListeners) listener(info.id);
        void queryClient.invalidateQueries({ queryKey: keys.lists });
        // The first upload without a workspace creates the personal one.
        if (!target.workspaceId) void queryClient.invalidateQueries({ queryKey: keys.workspaces });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        const shown =
          error instanceof ApiError
            ? { code: error.code, message: error.message }
            : { code: 'NETWORK', message: error instanceof Error ? error.message : String(error) };
        update(id, { state: 'error', error: shown });
      })
      .finally(() => {
        if (controllers.get(id) === controller) controllers.delete(id);
        syncUnloadWarning();
      });
  }
  items = [...fresh, ...items];
  syncUnloadWarning();
  notify();
}

/** Cancels a running upload (the server keeps nothing) or forgets a finished one. */
export function dismissUpload(id: string): void {
  const controller = controllers.get(id);
  controllers.delete(id);
  controller?.abort();
  items = items.filter((item) => item.id !== id);
  syncUnloadWarning();
  notify();
}

/** Forgets every finished or refused upload; running ones stay. */
export function clearFinishedUploads(): void {
  items = items.filter((item) => item.state === 'uploading');
  notify();
}
