// Every string of the app, per language. Indonesian must have exactly the English keys: a missing or
// extra translation fails the type check.
import { admin as adminEn } from './en/admin';
import { chat as chatEn } from './en/chat';
import { common as commonEn } from './en/common';
import { documents as documentsEn } from './en/documents';
import { markdown as markdownEn } from './en/markdown';
import { settings as settingsEn } from './en/settings';
import { admin as adminId } from './id/admin';
import { chat as chatId } from './id/chat';
import { common as commonId } from './id/common';
import { documents as documentsId } from './id/documents';
import { markdown as markdownId } from './id/markdown';
import { settings as settingsId } from './id/settings';

const en = { ...commonEn, ...chatEn, ...markdownEn, ...documentsEn, ...adminEn, ...settingsEn };

/** A translatable string's key. */
export type MessageKey = keyof typeof en;

/** The languages the app speaks. */
export type Language = 'en' | 'id';

/** All strings by language. */
export const messages: Record<Language, Record<MessageKey, string>> = {
  en,
  id: { ...commonId, ...chatId, ...markdownId, ...documentsId, ...adminId, ...settingsId },
};
