import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { storiesModel } from './shared-models.js';

/** A local stand-in for a model hub on 127.0.0.1 that serves the real tiny GGUF at /stories260K.gguf. */
export async function startModelHub(): Promise<{ url: string; close: () => void }> {
  const server = createServer((request, response) => {
    if (request.url !== '/stories260K.gguf') return response.writeHead(404).end();
    response.writeHead(200, { 'content-length': statSync(storiesModel()).size });
    createReadStream(storiesModel()).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
