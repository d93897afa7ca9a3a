import type { FastifyInstance } from 'fastify';

/** One method + URL pattern from the app's route table, e.g. `PATCH /api/v1/users/:id`. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}

const LINE = /^((?:[│ ] {3})*)[├└]── (.+) \(([A-Z, ]+)\)$/;

/**
 * Every route the app has registered, read from Fastify's own route tree (`printRoutes`): the
 * test sees the routes added tomorrow without anyone updating a list. Throws when a line cannot
 * be read, so a change of the tree's format fails loudly instead of testing nothing.
 */
export async function routeTable(app: FastifyInstance): Promise<RouteEntry[]> {
  await app.ready();
  const segments: string[] = [];
  const routes: RouteEntry[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`unreadable route tree line: ${line}`);
    const depth = match[1]!.length / 4;
    segments.length = depth;
    segments.push(match[2]!);
    const url = segments.join('');
    for (const method of match[3]!.split(', ')) routes.push({ method, url });
  }
  return routes;
}
