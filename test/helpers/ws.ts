import WebSocket from 'ws';

/** Sends one message frame on a fresh chat WebSocket of the server at `baseUrl`; returns the frames up to `done`. */
export async function wsChat(baseUrl: string, token: string, frame: unknown): Promise<any[]> {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/v1/chat/ws?token=${token}`);
  const frames: any[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify(frame)));
    socket.on('message', (data) => {
      const parsed = JSON.parse((data as Buffer).toString('utf8'));
      frames.push(parsed);
      if (parsed.done) resolve();
    });
    socket.on('error', reject);
  });
  socket.close();
  return frames;
}
