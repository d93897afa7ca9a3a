// Types of the server's responses, derived from its TypeBox contracts: a contract change that the
// web app does not follow fails `tsc -p web`.
import type { Static } from '@sinclair/typebox';
import type { AdminStats as AdminStatsSchema } from '../../../contracts/admin.contract.js';
import type {
  ApiKey as ApiKeySchema,
  CreatedApiKey,
  TokenResponse,
} from '../../../contracts/auth.contract.js';
import type {
  Conversation as ConversationSchema,
  ConversationSummary as ConversationSummarySchema,
  Message as MessageSchema,
  SendMessageBody as SendMessageBodySchema,
} from '../../../contracts/chat.contract.js';
import type {
  ChunkInfo as ChunkInfoSchema,
  FileInfo as FileInfoSchema,
  FileList as FileListSchema,
  RagHealth as RagHealthSchema,
} from '../../../contracts/knowledge.contract.js';
import type {
  EngineState as EngineStateSchema,
  ModelDownload as ModelDownloadSchema,
  RegisteredModel as RegisteredModelSchema,
} from '../../../contracts/models.contract.js';
import type { Prompt as PromptSchema } from '../../../contracts/prompts.contract.js';
import type { User as UserSchema, UserWithChatCount } from '../../../contracts/users.contract.js';
import type {
  Workspace as WorkspaceSchema,
  WorkspaceMember as WorkspaceMemberSchema,
} from '../../../contracts/workspaces.contract.js';

export type User = Static<typeof UserSchema>;
export type Role = User['role'];
export type AdminUser = Static<typeof UserWithChatCount>;
export type Tokens = Static<typeof TokenResponse>;
export type ApiKey = Static<typeof ApiKeySchema>;
export type NewApiKey = Static<typeof CreatedApiKey>;
export type Message = Static<typeof MessageSchema>;
export type ConversationSummary = Static<typeof ConversationSummarySchema>;
export type Conversation = Static<typeof ConversationSchema>;
export type SendMessageBody = Static<typeof SendMessageBodySchema>;
export type FileInfo = Static<typeof FileInfoSchema>;
export type FileList = Static<typeof FileListSchema>;
export type ChunkInfo = Static<typeof ChunkInfoSchema>;
export type RagHealth = Static<typeof RagHealthSchema>;
export type RegisteredModel = Static<typeof RegisteredModelSchema>;
export type EngineState = Static<typeof EngineStateSchema>;
export type ModelDownload = Static<typeof ModelDownloadSchema>;
export type Prompt = Static<typeof PromptSchema>;
export type Workspace = Static<typeof WorkspaceSchema>;
export type WorkspaceMember = Static<typeof WorkspaceMemberSchema>;
export type AdminStats = Static<typeof AdminStatsSchema>;
