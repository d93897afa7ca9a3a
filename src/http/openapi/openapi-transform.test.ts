import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { permissionNote, withDefaultsOptional } from './openapi-transform.js';

describe('withDefaultsOptional', () => {
  const Query = Type.Object({
    hours: Type.Integer({ default: 24 }),
    name: Type.String(),
    nested: Type.Object({ page: Type.Integer({ default: 1 }), id: Type.String() }),
    list: Type.Array(Type.Object({ flag: Type.Boolean({ default: false }) })),
  });

  it('drops every property with a default from `required`, at any depth, and keeps the rest', () => {
    const documented = withDefaultsOptional(Query) as any;
    expect(documented.required).toEqual(['name', 'nested', 'list']);
    expect(documented.properties.nested.required).toEqual(['id']);
    expect(documented.properties.list.items.required).toBeUndefined();
    expect(documented.properties.hours.default).toBe(24);
  });

  it('leaves the schema the server validates with untouched', () => {
    const before = JSON.stringify(Query);
    withDefaultsOptional(Query);
    expect(JSON.stringify(Query)).toBe(before);
    expect(Query.required).toContain('hours');
  });
});

describe('permissionNote', () => {
  it("names the action and each role's cell from the permission table", () => {
    expect(permissionNote('admin.stats.read')).toBe(
      '**Permission** `admin.stats.read` (docs/permissions.md): admin, manager; not user, viewer.',
    );
    expect(permissionNote('account.read')).toContain('every role');
    expect(permissionNote('file.delete')).toContain(
      'manager, user: their own, or as an owner of the workspace; not viewer',
    );
    expect(permissionNote('no.such.action')).toBeUndefined();
  });
});
