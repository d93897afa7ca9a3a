/** Strings of the markdown renderer (English, the reference set of keys). */
export const markdown = {};
