import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/shared/json-depth.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';
import { multipartBody } from '../helpers/upload.js';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await startTestApp({ model: false });
  admin = await t.adminToken();
});
afterAll(() => t.close());

const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Sends raw bytes with a content type to an upload or JSON route; status and parsed body. */
async function send(
  url: string,
  contentType: string,
  payload: string | Buffer,
  method: 'POST' | 'PATCH' = 'POST',
) {
  const response = await t.app.inject({
    method,
    url,
    headers: { ...bearer(admin), 'content-type': contentType },
    payload,
  });
  return { status: response.statusCode, body: response.json() };
}

describe('list pagination', () => {
  const lists = ['/api/v1/files', '/api/v1/chat/sessions', '/api/v1/users'];
  const badSkips = ['1e20', '9223372036854775807', '1000001', '-1', '1.5', 'NaN', 'Infinity', 'ten'];

  it.each(lists)('%s answers 400 naming skip for a huge, negative or non-integer skip', async (list) => {
    for (const skip of badSkips) {
      const { status, body } = await t.call('GET', `${list}?skip=${skip}`, admin);
      expect({ skip, status, code: body.error?.code, field: body.error?.details?.field }).toEqual({
        skip,
        status: 400,
        code: 'VALIDATION_ERROR',
        field: 'skip',
      });
    }
  });

  it('refuses "Infinity" coerced into any number, in a query string or a JSON body', async () => {
    const inQuery = await t.call('GET', '/api/v1/rag/search?query=x&similarity_threshold=-Infinity', admin);
    expect([inQuery.status, inQuery.body.error.details.field]).toEqual([400, 'similarity_threshold']);
    const inBody = await t.call('POST', '/api/v1/rag/search', admin, { query: 'x', top_k: 'Infinity' });
    expect([inBody.status, inBody.body.error.details.field]).toEqual([400, 'top_k']);
  });

  it.each(lists)('%s still pages normally at the largest skip', async (list) => {
    const { status } = await t.call('GET', `${list}?skip=1000000&limit=100`, admin);
    expect(status).toBe(200);
  });
});

describe('malformed multipart uploads', () => {
  const part = '--abc\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello';

  it('refuses a multipart body without a boundary, with an empty or overlong one, with 400', async () => {
    for (const contentType of [
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/form-data; boundary=""',
      `multipart/form-data; boundary=${'b'.repeat(300)}`,
    ]) {
      const { status, body } = await send('/api/v1/files', contentType, part);
      expect({ contentType, status, code: body.error.code, field: body.error.details?.field }).toEqual({
        contentType,
        status: 400,
        code: 'VALIDATION_ERROR',
        field: 'body',
      });
    }
  });

  it('refuses a body cut off inside the file or before the closing boundary, and keeps no file', async () => {
    const { body: full, contentType } = await multipartBody({
      name: 'notes.txt',
      content: 'hello '.repeat(500),
    });
    for (const cut of [full.length - 10, Math.floor(full.length / 2), 60]) {
      const { status, body } = await send('/api/v1/files', contentType, full.subarray(0, cut));
      expect({ cut, status, code: body.error.code }).toEqual({ cut, status: 400, code: 'VALIDATION_ERROR' });
    }
    const { body } = await t.call('GET', '/api/v1/files', admin);
    expect(body.total).toBe(0);
  });

  it('answers a non-multipart body on the upload route with 415', async () => {
    const { status, body } = await send('/api/v1/files', 'application/json', '{"file":"x"}');
    expect([status, body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
});

describe('deeply nested JSON', () => {
  it('refuses upload metadata nested 5,000 deep with 400 naming metadata, and accepts shallow metadata', async () => {
    const deep = await multipartBody({ name: 'a.txt', content: 'hello' }, { metadata: nestedObject(5000) });
    const refused = await send('/api/v1/files', deep.contentType, deep.body);
    expect([refused.status, refused.body.error.code, refused.body.error.details.field]).toEqual([
      400,
      'VALIDATION_ERROR',
      'metadata',
    ]);
    const limit = await multipartBody(
      { name: 'a.txt', content: 'hello' },
      { metadata: nestedObject(MAX_JSON_DEPTH) },
    );
    const accepted = await send('/api/v1/files', limit.contentType, limit.body);
    expect(accepted.status).toBe(201);
  });

  it('refuses any JSON body nested deeper than the limit before validation, with 400 naming the body', async () => {
    for (const url of [
      '/api/v1/workspaces',
      '/api/v1/prompts',
      '/api/v1/auth/login',
      '/api/v1/chat/sessions',
    ]) {
      for (const payload of [
        `{"name":${nestedObject(5000)}}`,
        '['.repeat(100_000) + ']'.repeat(100_000),
        `{"x":${nestedObject(MAX_JSON_DEPTH)}}`,
      ]) {
        const { status, body } = await send(url, 'application/json', payload);
        expect({ url, status, code: body.error.code, field: body.error.details?.field }).toEqual({
          url,
          status: 400,
          code: 'VALIDATION_ERROR',
          field: 'body',
        });
      }
    }
  });

  it('refuses prototype-poisoning keys in a JSON body', async () => {
    for (const payload of [
      '{"name":"x","__proto__":{"admin":true}}',
      '{"name":"x","constructor":{"prototype":{}}}',
    ]) {
      const { status, body } = await send('/api/v1/workspaces', 'application/json', payload);
      expect([status, body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });
});
