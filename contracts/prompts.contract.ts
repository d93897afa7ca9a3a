import { Type } from '@sinclair/typebox';
import { Name, NAME_MAX_LENGTH } from './names.contract.js';

/** A system prompt of the library. */
export const Prompt = Type.Object({
  id: Type.String(),
  name: Type.String(),
  content: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  is_active: Type.Boolean(),
  created_by: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
});

/** Create a prompt. */
export const CreatePromptBody = Type.Object({
  name: Name(NAME_MAX_LENGTH.prompt, 'Prompt name'),
  content: Type.String({ minLength: 1, maxLength: 50_000 }),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
});

/** Edit a prompt. */
export const UpdatePromptBody = Type.Partial(CreatePromptBody, { minProperties: 1 });
