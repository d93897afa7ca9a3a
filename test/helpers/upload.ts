import type { TestApp } from './test-app.js';

/** Builds a real multipart/form-data body (the browser's encoding) for one file plus fields. */
export async function multipartBody(
  file: { name: string; content: Buffer | string; type?: string } | undefined,
  fields: Record<string, string> = {},
  fileFirst = false,
): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  const addFields = () => {
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
  };
  if (!fileFirst) addFields();
  if (file) {
    const bytes = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
    form.append(
      'file',
      new Blob([new Uint8Array(bytes)], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    );
  }
  if (fileFirst) addFields();
  const response = new Response(form);
  return {
    body: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type')!,
  };
}

/** Uploads a file through POST /api/v1/files (or another upload URL); status and JSON body. */
export async function uploadFile(
  t: TestApp,
  token: string,
  name: string,
  content: Buffer | string,
  fields: Record<string, string> = {},
  url = '/api/v1/files',
): Promise<{ status: number; body: any }> {
  const { body, contentType } = await multipartBody({ name, content }, fields);
  const response = await t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload: body,
  });
  return { status: response.statusCode, body: response.body ? response.json() : undefined };
}

/** Polls a document until it leaves UPLOADED/PROCESSING (or the timeout passes); returns its detail. */
export async function waitForDocument(
  t: TestApp,
  token: string,
  id: string,
  timeoutMs = 30_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await t.call('GET', `/api/v1/files/${id}`, token);
    if (body?.status === 'PROCESSED' || body?.status === 'FAILED' || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
