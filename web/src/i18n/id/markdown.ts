import type { markdown as en } from '../en/markdown';

/** Strings of the markdown renderer in Indonesian. */
export const markdown = {} satisfies Record<keyof typeof en, string>;
