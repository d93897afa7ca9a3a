/** One parsed Server-Sent Event. */
export interface ParsedEvent {
  event: string;
  data: any;
}

/** Reads an SSE response body into events; `onEvent` may return true to stop reading (and disconnect). */
export async function readSse(
  response: Response,
  onEvent?: (event: ParsedEvent, all: ParsedEvent[]) => boolean | void,
): Promise<ParsedEvent[]> {
  const events: ParsedEvent[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += decoder.decode(value, { stream: true });
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      const parsed = { event, data: data === undefined ? undefined : JSON.parse(data) };
      events.push(parsed);
      if (onEvent?.(parsed, events)) {
        await reader.cancel();
        return events;
      }
    }
  }
}
