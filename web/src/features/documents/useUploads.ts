// The upload queue: every chosen or dropped file gets its own entry, progress and outcome.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import { keys } from './api';
import { precheck, uploadFile, type PrecheckProblem, type UploadTarget } from './upload';

/** One file in the queue. */
export interface UploadItem {
  id: string;
  name: string;
  size: number;
  state: 'uploading' | 'done' | 'error';
  /** 0..1 */
  progress: number;
  /** A refusal found before sending. */
  problem?: PrecheckProblem;
  /** The server's refusal. */
  error?: { code: string; message: string };
}

let counter = 0;

/**
 * The queue and the functions to add files to it, cancel, dismiss and clear finished entries;
 * `onUploaded` hears of each accepted document.
 */
export function useUploads(onUploaded: (id: string) => void) {
  const queryClient = useQueryClient();
  const [items, setItems] = useState<UploadItem[]>([]);
  const controllers = useRef(new Map<string, AbortController>());
  // The first upload without a workspace creates the personal one; the others wait for its id so
  // that several files dropped at once do not race to create it.
  const personal = useRef<Promise<string> | null>(null);

  useEffect(() => {
    const running = controllers.current;
    return () => {
      for (const controller of running.values()) controller.abort();
    };
  }, []);

  const update = useCallback((id: string, change: Partial<UploadItem>) => {
    setItems((current) => current.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }, []);

  const send = useCallback(
    async (file: File, target: UploadTarget, id: string, signal: AbortSignal) => {
      let workspaceId = target.workspaceId;
      if (!workspaceId && personal.current) workspaceId = await personal.current.catch(() => '');
      const upload = uploadFile(
        file,
        { ...target, workspaceId },
        (progress) => update(id, { progress }),
        signal,
      );
      if (!workspaceId && !personal.current) {
        const created = upload.then((info) => info.workspace_id);
        personal.current = created;
        created.catch(() => {
          if (personal.current === created) personal.current = null;
        });
      }
      return upload;
    },
    [update],
  );

  const add = useCallback(
    (files: readonly File[], target: UploadTarget) => {
      const fresh: UploadItem[] = [];
      for (const file of files) {
        const id = `upload-${++counter}`;
        const problem = precheck(file) ?? undefined;
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
        controllers.current.set(id, controller);
        send(file, target, id, controller.signal)
          .then((info) => {
            update(id, { state: 'done', progress: 1 });
            onUploaded(info.id);
            void queryClient.invalidateQueries({ queryKey: ['documents'] });
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
          .finally(() => controllers.current.delete(id));
      }
      setItems((current) => [...fresh, ...current]);
    },
    [onUploaded, queryClient, send, update],
  );

  const dismiss = useCallback((id: string) => {
    controllers.current.get(id)?.abort();
    setItems((current) => current.filter((item) => item.id !== id));
  }, []);

  const clearFinished = useCallback(() => {
    setItems((current) => current.filter((item) => item.state === 'uploading'));
  }, []);

  return { items, add, dismiss, clearFinished };
}
