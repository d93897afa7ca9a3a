// Uploading one file with progress: fetch cannot report upload progress, so this uses XMLHttpRequest,
// with the same bearer token and one refresh-and-retry on 401 as every other request.
import { ApiError, refreshSession } from '../../api/client';
import { expireSession, getAccessToken } from '../../api/session';
import type { FileInfo } from '../../api/types';

/**
 * Extensions the server accepts (src/modules/documents/extraction/file-type.ts): used only until
 * GET /api/v1/rag/config has answered, or when it cannot be read.
 */
export const ACCEPTED_EXTENSIONS = [
  'pdf',
  'docx',
  'xlsx',
  'csv',
  'md',
  'markdown',
  'txt',
  'text',
  'log',
  'html',
  'htm',
] as const;

/** The server's default MAX_UPLOAD_MB, with the same fallback role; the server has the last word. */
export const MAX_UPLOAD_MB = 50;

/** What the server accepts: its largest upload in MiB and the extensions (without the dot). */
export interface UploadLimits {
  readonly maxUploadMb: number;
  readonly extensions: readonly string[];
}

/** The limits assumed before the server has said (its defaults). */
export const DEFAULT_LIMITS: UploadLimits = { maxUploadMb: MAX_UPLOAD_MB, extensions: ACCEPTED_EXTENSIONS };

/** Why a file is refused before it is sent (with the limit that refused it, to name it later). */
export type PrecheckProblem =
  | { kind: 'extension'; extension: string; accepted: readonly string[] }
  | { kind: 'size'; maxMb: number }
  | { kind: 'empty' };

/** Checks extension and size before sending, so a user learns at once and no bandwidth is wasted. */
export function precheck(file: File, limits: UploadLimits): PrecheckProblem | null {
  const dot = file.name.lastIndexOf('.');
  const extension = dot > 0 ? file.name.slice(dot + 1).toLowerCase() : '';
  if (!limits.extensions.includes(extension))
    return { kind: 'extension', extension, accepted: limits.extensions };
  if (file.size === 0) return { kind: 'empty' };
  if (file.size > limits.maxUploadMb * 1_048_576) return { kind: 'size', maxMb: limits.maxUploadMb };
  return null;
}

/** Where an upload goes and who may read it. */
export interface UploadTarget {
  /** Empty: the user's personal workspace (the server creates it on the first upload). */
  workspaceId: string;
  visibility: 'workspace' | 'managers' | 'private';
}

function sendOnce(
  file: File,
  target: UploadTarget,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/files');
    xhr.responseType = 'text';
    const token = getAccessToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    // Fields before the file: the server refuses a forbidden workspace before the bytes arrive.
    const form = new FormData();
    if (target.workspaceId) form.append('workspace_id', target.workspaceId);
    form.append('visibility', target.visibility);
    form.append('file', file, file.name);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new TypeError('Network error'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    if (signal.aborted) {
      reject(new DOMException('Upload cancelled', 'AbortError'));
      return;
    }
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

function toError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (error?.code) return new ApiError(status, error.code, error.message ?? '');
  return new ApiError(status, `HTTP_${status}`, `HTTP ${status}`);
}

/** Uploads one file; resolves with the new document or rejects with the server's ApiError. */
export async function uploadFile(
  file: File,
  target: UploadTarget,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<FileInfo> {
  let answer = await sendOnce(file, target, onProgress, signal);
  // Like every other request: one refresh, else the sign-in dialog over the page, then send again.
  if (answer.status === 401 && ((await refreshSession()) || (await expireSession()))) {
    onProgress(0);
    answer = await sendOnce(file, target, onProgress, signal);
  }
  if (answer.status >= 200 && answer.status < 300) return answer.body as FileInfo;
  throw toError(answer.status, answer.body);
}
