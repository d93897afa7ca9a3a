import type { chat as en } from '../en/chat';

/** Strings of the chat screens in Indonesian. */
export const chat = {} satisfies Record<keyof typeof en, string>;
