import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspace, UsageError } from '../../src/cli/commands/knowledge-cli.js';
import type { Principal } from '../../src/modules/auth/auth.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// Issue #9 item 3: `ingest --workspace` and `search --workspace` name a workspace, and names can
// repeat now that personal workspaces take no part in name uniqueness. The CLI must never pick one
// of two same-named workspaces silently.
let t: TestApp;
let admin: Principal;
let bob: Principal;
let carol: Principal;
let bobsPersonal: string;
let carolsPersonal: string;
let sharedLookalike: string;
let team: string;

const userOf = async (name: string, role: 'admin' | 'user'): Promise<Principal> => ({
  user: await t.runtime.services.users.register({
    email: `${name}@example.test`,
    username: name,
    password: 'choice password 1',
    role,
  }),
});
/** A first upload makes the user's personal workspace, as it does for real. */
const personalOf = async (principal: Principal) => {
  const { services } = t.runtime;
  const received = await services.files.receive(Readable.from([Buffer.from('a note')]), 1_000);
  return (await services.documents.accept(principal, received, 'note.txt', {})).workspace_id;
};

beforeAll(async () => {
  t = await startTestApp({ model: false });
  const { services } = t.runtime;
  admin = await userOf('chooser', 'admin');
  bob = await userOf('bob', 'user');
  carol = await userOf('carol', 'user');
  bobsPersonal = await personalOf(bob);
  carolsPersonal = await personalOf(carol);
  // A shared workspace may be called "bob (personal)": personal names block no shared name.
  sharedLookalike = (await services.workspaces.create(admin, { name: 'bob (personal)' })).id;
  team = (await services.workspaces.create(admin, { name: 'Team' })).id;
  // What migration 0007 flags: a personal workspace renamed before it, now sharing a shared one's name.
  await services.database.db
    .updateTable('workspaces')
    .set({ name: 'Team', needs_review: 1 })
    .where('id', '=', carolsPersonal)
    .execute();
}, 60_000);
afterAll(() => t.close());

const choose = (principal: Principal, name: string) => findWorkspace(t.runtime.services, principal, name);
const refusal = (principal: Principal, name: string) =>
  choose(principal, name).then(
    (workspace) => `chose ${workspace.id}`,
    (error: unknown) => (error instanceof UsageError ? error.message : `threw ${String(error)}`),
  );

describe('findWorkspace: which workspace a CLI name means', () => {
  it('"<user> (personal)" is that user\'s own personal workspace, found by owner id, whatever else shares the name', async () => {
    expect((await choose(admin, 'bob (personal)')).id).toBe(bobsPersonal);
    expect((await choose(admin, 'BOB (Personal)')).id).toBe(bobsPersonal);
    expect((await choose(bob, 'bob (personal)')).id).toBe(bobsPersonal);
  });

  it('an id always chooses exactly that workspace', async () => {
    expect((await choose(admin, sharedLookalike)).id).toBe(sharedLookalike);
    expect((await choose(admin, carolsPersonal)).id).toBe(carolsPersonal);
    expect((await choose(admin, ` ${team} `)).id).toBe(team);
  });

  it('refuses a name two workspaces share, listing both ids, and picks neither', async () => {
    const message = await refusal(admin, 'Team');
    expect(message).toContain('2 workspaces are called "Team"');
    expect(message).toContain(team);
    expect(message).toContain(carolsPersonal);
    expect(message).toContain('give the id instead');
  });

  it("a user who sees only one of them gets that one; someone else's personal workspace stays out of reach", async () => {
    expect((await choose(carol, 'Team')).id).toBe(carolsPersonal);
    const message = await refusal(bob, 'carol (personal)');
    expect(message).toContain('no workspace "carol (personal)" for bob');
    expect(message).not.toContain(carolsPersonal);
  });
});
