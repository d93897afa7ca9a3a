/** Strings of the documents screens (English, the reference set of keys). */
export const documents = {};
