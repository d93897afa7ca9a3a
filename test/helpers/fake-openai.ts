import { createServer, type Server } from 'node:http';

/**
 * A local stand-in for an OpenAI-compatible embeddings server (vLLM, llama.cpp server, Ollama), speaking
 * the real /v1/embeddings wire format. Vectors are feature-hashed bags of words, so texts sharing
 * words are close: enough signal to test vector search end to end.
 */
export async function startFakeEmbeddingServer(dimensions = 32): Promise<{
  baseUrl: string;
  requests: number;
  close(): Promise<void>;
}> {
  const state = { requests: 0 };
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      state.requests += 1;
      if (request.url !== '/v1/embeddings' || request.method !== 'POST') {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      const body = JSON.parse(raw) as { model: string; input: string[] | string };
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'list',
          data: inputs.map((text, index) => ({
            object: 'embedding',
            index,
            embedding: hashVector(text, dimensions),
          })),
          model: body.model,
          usage: {
            prompt_tokens: inputs.join(' ').split(/\s+/).length,
            total_tokens: inputs.join(' ').split(/\s+/).length,
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function hashVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 2166136261;
    for (const char of word) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
    vector[Math.abs(hash) % dimensions]! += hash & 1 ? 1 : -1;
  }
  return vector;
}
