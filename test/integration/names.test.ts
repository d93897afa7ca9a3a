import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAME_MAX_LENGTH } from '../../contracts/names.contract.js';
import { uploadFile } from '../helpers/upload.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: string;
let counter = 0;
const unique = () => `n${++counter}`;

beforeAll(async () => {
  t = await startTestApp({ model: false });
  admin = await t.adminToken();
});
afterAll(() => t.close());

/** Each place a user names something: how to create it (and rename it) with a given name. */
const KINDS: Array<{
  kind: string;
  field: string;
  max: number;
  create: (name: string) => Promise<{ status: number; body: any }>;
  rename?: (name: string) => Promise<{ status: number; body: any }>;
  read: (body: any) => string;
}> = [
  {
    kind: 'workspace',
    field: 'name',
    max: NAME_MAX_LENGTH.workspace,
    create: (name) => t.call('POST', '/api/v1/workspaces', admin, { name }),
    rename: async (name) => {
      const id = (await t.call('POST', '/api/v1/workspaces', admin, { name: unique() })).body.id;
      return t.call('PATCH', `/api/v1/workspaces/${id}`, admin, { name });
    },
    read: (body) => body.name,
  },
  {
    kind: 'chat session',
    field: 'title',
    max: NAME_MAX_LENGTH.chatTitle,
    create: (title) => t.call('POST', '/api/v1/chat/sessions', admin, { title }),
    rename: async (title) => {
      const id = (await t.call('POST', '/api/v1/chat/sessions', admin, {})).body.id;
      return t.call('PATCH', `/api/v1/chat/sessions/${id}`, admin, { title });
    },
    read: (body) => body.title,
  },
  {
    kind: 'system prompt',
    field: 'name',
    max: NAME_MAX_LENGTH.prompt,
    create: (name) => t.call('POST', '/api/v1/prompts', admin, { name, content: 'Be brief.' }),
    rename: async (name) => {
      const id = (await t.call('POST', '/api/v1/prompts', admin, { name: unique(), content: 'x' })).body.id;
      return t.call('PATCH', `/api/v1/prompts/${id}`, admin, { name });
    },
    read: (body) => body.name,
  },
  {
    kind: 'API key',
    field: 'name',
    max: NAME_MAX_LENGTH.apiKey,
    create: (name) => t.call('POST', '/api/v1/auth/api-keys', admin, { name }),
    read: (body) => body.name,
  },
  {
    kind: 'display name',
    field: 'display_name',
    max: NAME_MAX_LENGTH.displayName,
    create: (display_name) =>
      t.call('POST', '/api/v1/users', admin, {
        email: `${unique()}@example.test`,
        password: 'user password 123',
        display_name,
      }),
    rename: async (display_name) => {
      const { id } = await t.createUser();
      return t.call('PATCH', `/api/v1/users/${id}`, admin, { display_name });
    },
    read: (body) => body.display_name,
  },
];

const HOSTILE = [
  ['NUL', 'Fin\u0000ance'],
  ['escape sequence', '\u001b[2JFinance'],
  ['newline', 'Fin\nance'],
  ['right-to-left override', 'Finance\u202Etxt.exe'],
  ['zero-width space', 'Fin\u200Bance'],
  ['word joiner', 'Fin\u2060ance'],
  ['byte-order mark', '\uFEFFFinance'],
  ['empty', ''],
  ['blank', '   '],
  ['ideographic blank', '\u3000\u00a0'],
  ['Hangul filler', '\u3164'],
  ['blank braille pattern', '\u2800'],
  ['halfwidth Hangul filler', '\uFFA0'],
  ['lone combining mark', '\u0301'],
  ['combining grapheme joiner', 'Fin\u034Fance'],
  ['Khmer inherent vowel', '\u17B4'],
  ['private-use character', 'Fin\uE000ance'],
  ['noncharacter', 'Fin\uFFFFance'],
];

describe.each(KINDS)('$kind', ({ field, max, create, rename, read }) => {
  it.each(HOSTILE)(`refuses a name with %s: 400 VALIDATION_ERROR naming the field`, async (what, name) => {
    // Clearing a display name is allowed: "" is read as null (Ajv coerces it for the nullable field).
    const clearing = field === 'display_name' && what === 'empty';
    for (const attempt of rename && !clearing ? [create, rename] : [create]) {
      const { status, body } = await attempt(name);
      expect([status, body.error?.code, body.error?.details?.field]).toEqual([
        400,
        'VALIDATION_ERROR',
        field,
      ]);
    }
  });

  it('refuses a name one character over the documented maximum, accepts one at it', async () => {
    const over = await create('é'.repeat(max + 1));
    expect([over.status, over.body.error?.details?.field]).toEqual([400, field]);
    const at = await create(`${'é'.repeat(max - 4)}${unique()}`.slice(0, max));
    expect(at.status).toBe(201);
  });

  it('counts the maximum after NFC and trimming: decomposed letters and outer spaces do not count', async () => {
    const suffix = unique();
    const decomposed = `${'e\u0301'.repeat(max - suffix.length)}${suffix}`;
    const answer = await create(`  ${decomposed}  `);
    expect(answer.status).toBe(201);
    expect([...read(answer.body)].length).toBe(max);
  });

  it('stores the name trimmed and NFC-normalised', async () => {
    for (const attempt of rename ? [create, rename] : [create]) {
      const suffix = unique();
      const { status, body } = await attempt(`  Cafe\u0301 ${suffix}  `);
      expect([status === 200 || status === 201, read(body)]).toEqual([true, `Caf\u00e9 ${suffix}`]);
    }
  });
});

it('clears a display name given as null or ""', async () => {
  const { id } = await t.createUser();
  for (const display_name of ['Someone', null, 'Someone', '']) {
    const { status, body } = await t.call('PATCH', `/api/v1/users/${id}`, admin, { display_name });
    expect([status, body.display_name]).toEqual([200, display_name || null]);
  }
});

it('treats one workspace name typed in two Unicode forms as the same name', async () => {
  expect((await t.call('POST', '/api/v1/workspaces', admin, { name: 'R\u00e9sum\u00e9' })).status).toBe(201);
  const again = await t.call('POST', '/api/v1/workspaces', admin, { name: 'Re\u0301sume\u0301' });
  expect([again.status, again.body.error.code]).toEqual([409, 'CONFLICT']);
});

it('documents the name rules in the OpenAPI schema', async () => {
  const { body } = await t.call('GET', '/openapi.json');
  const schema = body.paths['/api/v1/workspaces'].post.requestBody.content['application/json'].schema;
  // The documented limit counts characters after NFC and trimming (checked by the service); the
  // schema's own maxLength is only a guard against huge input before normalising.
  expect(schema.properties.name.minLength).toBe(1);
  expect(schema.properties.name.description).toContain(
    `1 to ${NAME_MAX_LENGTH.workspace} characters after NFC and trimming`,
  );
  expect(schema.properties.name.maxLength).toBeGreaterThanOrEqual(NAME_MAX_LENGTH.workspace);
  expect(schema.properties.name.pattern).toContain('\\p{Cc}\\p{Cf}');
});

it('stores an uploaded file name without bidi overrides or other invisible characters', async () => {
  const user = await t.createUser('user');
  const upload = await uploadFile(t, user.token, 'invoice\u202Egpj.txt', 'plain text');
  expect(upload.status).toBe(201);
  const detail = await t.call('GET', `/api/v1/files/${upload.body.id}`, user.token);
  expect(detail.body.original_filename).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F]/u);
  expect(detail.body.original_filename).toContain('gpj.txt');
});
