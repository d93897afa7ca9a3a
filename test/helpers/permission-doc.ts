import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The roles, as the columns of docs/permissions.md name them. */
export const ROLE_COLUMNS = ['admin', 'manager', 'user', 'viewer'] as const;
/** A global role. */
export type RoleColumn = (typeof ROLE_COLUMNS)[number];

/**
 * The permission table as docs/permissions.md states it: action → role → cell. Read from the
 * document on purpose: tests compare the running server with what the documentation promises,
 * never with the policy module that implements it.
 */
export function readPermissionDoc(
  file = fileURLToPath(new URL('../../docs/permissions.md', import.meta.url)),
): Map<string, Record<RoleColumn, string>> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const split = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim().replace(/^`|`$/g, ''));
  const headerAt = lines.findIndex((line) => /^\|\s*action\s*\|/.test(line));
  if (headerAt < 0) throw new Error('docs/permissions.md has no "| action |" table');
  const header = split(lines[headerAt]!);
  const table = new Map<string, Record<RoleColumn, string>>();
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.trim().startsWith('|')) break;
    const cells = split(line);
    const row = {} as Record<RoleColumn, string>;
    for (const role of ROLE_COLUMNS) {
      const cell = cells[header.indexOf(role)];
      if (!cell) throw new Error(`docs/permissions.md: no ${role} cell for ${cells[0]}`);
      row[role] = cell;
    }
    table.set(cells[0]!, row);
  }
  return table;
}
