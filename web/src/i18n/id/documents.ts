import type { documents as en } from '../en/documents';

/** Strings of the documents screens in Indonesian. */
export const documents = {} satisfies Record<keyof typeof en, string>;
