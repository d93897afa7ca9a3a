import type { settings as en } from '../en/settings';

/** Strings of the settings screens in Indonesian. */
export const settings = {} satisfies Record<keyof typeof en, string>;
