import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/modules/auth/auth.service.js';
import { readPermissionDoc, ROLE_COLUMNS, type RoleColumn } from '../helpers/permission-doc.js';
import type { Situation } from '../helpers/permission-scenarios.js';
import {
  HTTP_ONLY_ACTIONS,
  serviceScenarios,
  type CheckOutcome,
  type ServiceActor,
  type ServiceScenario,
} from '../helpers/service-scenarios.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// Issue #9 item 3: the permission check lives in the services, not only in the HTTP hook. Every
// cell of docs/permissions.md is tried by calling the service method directly (what the CLI, a
// future /v1 API or a task runner does), with no HTTP request anywhere. The expectations come from
// the document; the policy module is never imported here.
const doc = readPermissionDoc();
let t: TestApp;
let scratch: string;
let scenarios: Record<string, ServiceScenario>;
let actors: Record<RoleColumn, ServiceActor>;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'privatestack-service-permissions-'));
  t = await startTestApp({ model: false });
  const { services } = t.runtime;
  const principalOf = async (role: RoleColumn): Promise<Principal> => ({
    user: await services.users.register({
      email: `${role}-${crypto.randomUUID()}@example.test`,
      password: 'service password 1',
      role,
    }),
  });
  actors = {} as Record<RoleColumn, ServiceActor>;
  for (const role of ROLE_COLUMNS)
    actors[role] = { principal: await principalOf(role), other: await principalOf('user') };
  scenarios = serviceScenarios(services, actors.admin.principal, scratch);
}, 60_000);
afterAll(async () => {
  await t.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** What the document's cell promises, as (situation, accepted outcomes) pairs. */
function expectations(cell: string, scenario: ServiceScenario): [Situation, CheckOutcome[]][] {
  if (cell === 'allow') return [[scenario.resource ? 'unrelated' : 'none', ['passed']]];
  if (cell === 'deny') return [[scenario.best, ['forbidden']]];
  const conditions = cell.split(' or ') as Situation[];
  const pairs: [Situation, CheckOutcome[]][] = conditions.map((condition) => [condition, ['passed']]);
  pairs.push(['unrelated', ['forbidden', 'hidden']]);
  if (conditions.some((condition) => condition === 'member:editor' || condition === 'member:owner'))
    pairs.push(['below', ['forbidden']]);
  return pairs;
}

describe('docs/permissions.md, cell by cell, against the services called directly', () => {
  it('has a direct service call for every action of the document (or says why there is none)', () => {
    const covered = [...Object.keys(scenarios), ...Object.keys(HTTP_ONLY_ACTIONS)].sort();
    expect(covered).toEqual([...doc.keys()].sort());
  });

  for (const [action, row] of doc) {
    if (HTTP_ONLY_ACTIONS[action]) continue;
    it(`${action}: ${ROLE_COLUMNS.map((role) => `${role} ${row[role]}`).join(', ')}`, async () => {
      const scenario = scenarios[action]!;
      for (const role of ROLE_COLUMNS) {
        for (const [situation, accepted] of expectations(row[role], scenario)) {
          const outcome = await scenario.run(actors[role], situation);
          expect.soft(accepted, `${role} (${row[role]}) ${situation} → ${outcome}`).toContain(outcome);
        }
      }
    });
  }

  it('refuses a viewer before anything happens: no personal workspace, no session, no prompt', async () => {
    const { services } = t.runtime;
    const viewer = actors.viewer.principal;
    const sessions = await services.chat.listSessions(viewer, { offset: 0, limit: 100 });
    const prompts = (await services.prompts.list(viewer)).length;
    await expect(services.chat.createSession(viewer, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(services.prompts.create(viewer, { name: 'x', content: 'y' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const received = await services.files.receive(
      (await import('node:stream')).Readable.from([Buffer.from('')]),
      10,
    );
    // An empty file would be FILE_EMPTY: the table answers first.
    await expect(services.documents.accept(viewer, received, 'empty.txt', {})).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await services.chat.listSessions(viewer, { offset: 0, limit: 100 })).total).toBe(sessions.total);
    expect((await services.prompts.list(viewer)).length).toBe(prompts);
    const personal = (await services.workspaces.list(viewer)).filter(
      (w) => w.personal_owner_id === viewer.user.id,
    );
    expect(personal).toEqual([]);
  });
});
