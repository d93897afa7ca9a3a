import { GeneralChatWrapper } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storiesModel } from '../../../../test/helpers/shared-models.js';
import type { StreamPart, ToolDefinition } from '../language-model.js';
import { LocalEngine } from './local-engine.js';

/**
 * The tiny story model has no function-calling template. This wrapper keeps node-llama-cpp's general
 * function syntax but makes the call prefix a word the model writes on its own ("there"), so a real
 * llama.cpp generation reaches a call; from there the function name and the arguments are
 * grammar-constrained by node-llama-cpp exactly as with a real instruct model.
 */
class StoryFunctionsWrapper extends GeneralChatWrapper {
  constructor() {
    super();
    const functions = this.settings.functions;
    Object.assign(this, {
      settings: {
        ...this.settings,
        functions: { ...functions, call: { ...functions.call, prefix: 'there', prefixAlternateMatches: [] } },
      },
    });
  }
}

const engine = new LocalEngine({
  contextSize: 1024,
  parallelSequences: 1,
  queueLimit: 1,
  threads: 1, // tests run in parallel: never more llama.cpp threads than cores
  useMmap: false,
  defaults: { temperature: 0, topP: 1, maxTokens: 48 },
  chatWrapper: () => new StoryFunctionsWrapper(),
});
beforeAll(() => engine.load(storiesModel(), 'stories260K'));
afterAll(() => engine.dispose());

describe('function calling on the local engine', () => {
  it('runs the tool the model calls, with schema-shaped arguments, and keeps generating after it', async () => {
    const calls: unknown[] = [];
    const tool: ToolDefinition = {
      name: 'search_documents',
      description: 'Searches the documents',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string', maxLength: 12 } },
        required: ['query'],
      },
      execute: async (args) => {
        calls.push(args);
        return 'Lily found a red ball in the park.';
      },
    };
    const parts: StreamPart[] = [];
    for await (const part of engine.stream({
      messages: [{ role: 'user', content: 'Once upon a time' }],
      tools: [tool],
    }))
      parts.push(part);
    const kinds = parts.map((part) => part.type);
    const callAt = kinds.indexOf('tool-call');
    expect(callAt).toBeGreaterThan(-1);
    expect(kinds[callAt + 1]).toBe('tool-result');
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.length).toBeLessThanOrEqual(3); // at most three rounds of calls, then a text answer
    for (const args of calls) expect(typeof (args as { query: unknown }).query).toBe('string');
    expect(parts[callAt]).toMatchObject({ type: 'tool-call', name: 'search_documents', arguments: calls[0] });
    expect(parts[callAt + 1]).toMatchObject({ result: 'Lily found a red ball in the park.' });
    expect(kinds.slice(callAt + 2)).toContain('text-delta');
    const finish = parts.at(-1)!;
    expect(finish.type).toBe('finish');
    if (finish.type === 'finish') expect(finish.usage.completionTokens).toBeGreaterThan(0);
  });

  it('generates plainly when no tools are offered', async () => {
    const parts: StreamPart[] = [];
    for await (const part of engine.stream({ messages: [{ role: 'user', content: 'Once upon a time' }] }))
      parts.push(part);
    expect(parts.some((part) => part.type === 'tool-call')).toBe(false);
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(5);
  });
});
