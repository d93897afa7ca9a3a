/** Strings of the chat screens (English, the reference set of keys). */
export const chat = {};
