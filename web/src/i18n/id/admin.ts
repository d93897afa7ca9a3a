import type { admin as en } from '../en/admin';

/** Strings of the admin screens in Indonesian. */
export const admin = {} satisfies Record<keyof typeof en, string>;
