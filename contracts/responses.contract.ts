import { Type } from '@sinclair/typebox';

const STREAM_EXAMPLE = [
  'event: user_message',
  'data: {"id":"5f0c…","role":"user","content":"Tell me a story","status":"complete","conversation_id":"9b1e…",…}',
  '',
  'event: chunk',
  'data: {"content":"Once upon"}',
  '',
  'event: chunk',
  'data: {"content":" a time"}',
  '',
  'event: done',
  'data: {"id":"77aa…","role":"assistant","content":"Once upon a time","status":"complete","usage":{…},"dropped_messages":0}',
  '',
].join('\n');

/**
 * The 200 answer of the streaming chat routes: Server-Sent Events (`event:` name, one JSON `data:`
 * line). Errors before the first event answer with a status and the JSON error body instead.
 */
export const ChatEventStream = {
  description: [
    'Server-Sent Events, one JSON object per `data:` line, in this order:',
    '',
    '| event | data |',
    '| --- | --- |',
    '| `user_message` | the stored user message (fields of a session message) plus `conversation_id` (new or continued) |',
    '| `rag_search` | `{query, status, results_count?}` when the knowledge base is searched: status `searching`, then `completed` with the count |',
    "| `reasoning` | `{content}`: a piece of the model's reasoning (`<think>`), shown apart from the answer |",
    '| `chunk` | `{content}`: the next piece of the answer text |',
    '| `done` | the stored assistant message (`content`, `status`, `usage`, `latency_ms`, `sources`, …) plus `dropped_messages` (older turns left out to fit the context) and `max_tokens` when it was clamped |',
    '| `error` | `{code, message}` when generation fails after the stream started; the stream then ends |',
    '',
    'Closing the connection stops generation; the partial answer is stored with status `incomplete`.',
  ].join('\n'),
  content: {
    'text/event-stream': {
      schema: Type.String({ description: 'The event stream (text/event-stream; charset=utf-8)' }),
      example: STREAM_EXAMPLE,
    },
  },
};

/** The file types a stored document is served as (HTML is served as a download, never rendered). */
const DOWNLOAD_TYPES = [
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/csv',
  'text/markdown',
  'text/plain',
  'application/octet-stream',
];

/** The 200 answer of a file download: the original bytes, the document's type, an attachment name. */
export const FileDownload = {
  description:
    'The original file, byte for byte, with the type detected at upload (HTML comes as ' +
    'application/octet-stream so a browser never renders it).',
  headers: {
    'Content-Disposition': Type.String({
      description:
        'attachment; filename="<ASCII fallback>"; filename*=UTF-8\'\'<the original name, percent-encoded>',
    }),
  },
  content: Object.fromEntries(
    DOWNLOAD_TYPES.map((type) => [type, { schema: Type.String({ format: 'binary' }) }]),
  ),
};
