import { describe, expect, it } from 'vitest';
import { listCatalog } from '../../src/modules/models/model-catalog.js';
import { catalogDescriptions } from '../../web/src/i18n/id/catalog.js';

// Issue 10 item 10: the catalogue's descriptions stayed English in the Indonesian admin console.
describe('catalogue descriptions in Indonesian', () => {
  it('has one for every catalogue entry and none for an entry that does not exist', () => {
    const names = listCatalog().map((entry) => entry.name);
    expect(Object.keys(catalogDescriptions).sort()).toEqual([...names].sort());
    for (const entry of listCatalog()) {
      const description = catalogDescriptions[entry.name] ?? '';
      expect(description.length, entry.name).toBeGreaterThan(20);
      expect(description, entry.name).not.toBe(entry.description);
    }
  });
});
