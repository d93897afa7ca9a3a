/** Strings of the settings screens (English, the reference set of keys). */
export const settings = {};
