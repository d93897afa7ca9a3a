// The documents screen's handle on the upload queue (uploadStore.ts): the queue itself lives outside
// React, so leaving the screen does not stop an upload.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import { useUploadLimits } from './api';
import type { UploadTarget } from './upload';
import {
  addUploads,
  clearFinishedUploads,
  dismissUpload,
  onUploaded as listenUploaded,
  useUploadItems,
} from './uploadStore';

export type { UploadItem } from './uploadStore';

/**
 * The queue, the server's upload limits, and the functions to add files to it, cancel, dismiss and
 * clear finished entries; `onUploaded` hears of each document accepted while the screen is open.
 */
export function useUploads(onUploaded: (id: string) => void) {
  const queryClient = useQueryClient();
  const limits = useUploadLimits();
  const items = useUploadItems();
  useEffect(() => listenUploaded(onUploaded), [onUploaded]);
  const add = useCallback(
    (files: readonly File[], target: UploadTarget) => addUploads(files, target, limits, queryClient),
    [limits, queryClient],
  );
  return { items, limits, add, dismiss: dismissUpload, clearFinished: clearFinishedUploads };
}
