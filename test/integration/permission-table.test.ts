import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelHub } from '../helpers/model-hub.js';
import { readPermissionDoc, ROLE_COLUMNS, type RoleColumn } from '../helpers/permission-doc.js';
import { createFixtures, type Actor, type Fixtures } from '../helpers/permission-fixtures.js';
import { SCENARIOS, type Scenario, type Situation } from '../helpers/permission-scenarios.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// Issue #9 item 3: every role × action cell of docs/permissions.md, tried through real HTTP on a
// listening server (and the WebSocket for chat.generate). The expectation comes from the document
// only; the policy module is never imported here.
const doc = readPermissionDoc();
let t: TestApp;
let hub: Awaited<ReturnType<typeof startModelHub>>;
let fx: Fixtures;
let actors: Record<RoleColumn, Actor>;
let other: Actor;

beforeAll(async () => {
  hub = await startModelHub();
  // The local hub is on loopback: allowed explicitly for the admin's pull (ignored where no guard exists).
  t = await startTestApp({ listen: true, env: { MODEL_PULL_ALLOWED_HOSTS: '127.0.0.1' } });
  const adminToken = await t.adminToken();
  fx = createFixtures(t, adminToken, hub.url);
  actors = {} as Record<RoleColumn, Actor>;
  for (const role of ROLE_COLUMNS) actors[role] = { role, ...(await t.createUser(role)) };
  other = { role: 'user', ...(await t.createUser('user')) };
  // A model downloaded from an internal address: where it came from is for admins only.
  const pulled = await fx.registeredModelId();
  await t.runtime.services.database.db
    .updateTable('models')
    .set({ source_url: 'http://hub.internal.example/stories260K.gguf' })
    .where('id', '=', pulled)
    .execute();
}, 120_000);
afterAll(async () => {
  await t.close();
  hub.close();
});

type Outcome = 'ok' | 'forbidden' | 'hidden';
const outcomeOf = (status: number): Outcome | number =>
  status >= 200 && status < 300 ? 'ok' : status === 403 ? 'forbidden' : status === 404 ? 'hidden' : status;

/** What the document's cell promises, as (situation, accepted outcomes) pairs. */
function expectations(cell: string, scenario: Scenario): [Situation, Outcome[]][] {
  if (cell === 'allow') return [[scenario.resource ? 'unrelated' : 'none', ['ok']]];
  if (cell === 'deny') return [[scenario.best, ['forbidden']]];
  const conditions = cell.split(' or ') as Situation[];
  const pairs: [Situation, Outcome[]][] = conditions.map((condition) => [condition, ['ok']]);
  pairs.push(['unrelated', ['forbidden', 'hidden']]);
  if (conditions.some((condition) => condition === 'member:editor' || condition === 'member:owner'))
    pairs.push(['below', ['forbidden']]);
  return pairs;
}

describe('docs/permissions.md, cell by cell, against the running server', () => {
  it('names every action the scenarios know, and no other', () => {
    expect([...doc.keys()].sort()).toEqual(Object.keys(SCENARIOS).sort());
  });

  for (const [action, row] of doc) {
    it(`${action}: ${ROLE_COLUMNS.map((role) => `${role} ${row[role]}`).join(', ')}`, async () => {
      const scenario = SCENARIOS[action];
      if (!scenario) throw new Error(`no scenario for ${action}`);
      for (const role of ROLE_COLUMNS) {
        for (const [situation, accepted] of expectations(row[role], scenario)) {
          const outcome = outcomeOf(await scenario.run(actors[role], situation, fx, other));
          expect.soft(accepted, `${role} (${row[role]}) ${situation} → ${outcome}`).toContain(outcome);
        }
      }
    }, 180_000);
  }

  it('a viewer uploading without a workspace gets 403, and no personal workspace is made for them', async () => {
    const viewer = actors.viewer;
    expect((await fx.upload(viewer.token, undefined)).status).toBe(403);
    const { body } = await fx.http('GET', '/api/v1/workspaces', viewer.token);
    expect(body.workspaces.filter((workspace: any) => workspace.personal_owner_id === viewer.id)).toEqual([]);
  });
});
