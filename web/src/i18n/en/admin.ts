/** Strings of the admin screens (English, the reference set of keys). */
export const admin = {};
