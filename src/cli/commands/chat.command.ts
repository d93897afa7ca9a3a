import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { ChatMessage } from '../../providers/llm/language-model.js';
import { DEFAULT_SYSTEM_PROMPT } from '../../modules/prompts/prompts.service.js';
import { withRuntime } from '../cli-runtime.js';

// Dim text and the `> ` prompt are for a person at a terminal; piped output stays plain text.
// NO_COLOR is the usual convention of the machine (https://no-color.org), not product configuration.
const styled = process.stdout.isTTY === true && !process.env.NO_COLOR;
const DIM = styled ? '\x1b[2m' : '';
const RESET = styled ? '\x1b[0m' : '';
const PROMPT = process.stdin.isTTY === true ? '> ' : '';

/** `npx privatestack chat`: a streaming terminal chat against the local engine (no server needed). */
export function registerChatCommand(program: Command): void {
  program
    .command('chat')
    .description('Chat with the local model in the terminal; Ctrl-C stops an answer, Ctrl-D quits')
    .option('--system <text>', 'system prompt', DEFAULT_SYSTEM_PROMPT)
    .option('--max-tokens <n>', 'answer length cap', (value) => Number.parseInt(value, 10))
    .action(async (flags: { system: string; maxTokens?: number }) => {
      await withRuntime(
        async ({ services }) => {
          const status = services.engine.status();
          if (!status.loaded)
            throw new Error(
              'No model loaded: run `npx privatestack models pull <id>` (or `models add <file.gguf>` offline), or set MODEL_PATH',
            );
          process.stdout.write(
            `${DIM}model ${status.model?.id}, context ${status.model?.contextSize}${RESET}\n`,
          );
          const history: ChatMessage[] = [{ role: 'system', content: flags.system }];
          const terminal = createInterface({ input: process.stdin, output: process.stdout });
          let current: AbortController | undefined;
          terminal.on('SIGINT', () => (current ? current.abort() : terminal.close()));
          try {
            for (;;) {
              const question = await terminal.question(PROMPT).catch(() => undefined);
              if (question === undefined) break;
              if (!question.trim()) continue;
              history.push({ role: 'user', content: question });
              current = new AbortController();
              let answer = '';
              const stream = services.engine.stream(
                { messages: history, cacheKey: 'cli', options: { maxTokens: flags.maxTokens } },
                current.signal,
              );
              for await (const part of stream) {
                if (part.type === 'reasoning-delta') process.stdout.write(`${DIM}${part.text}${RESET}`);
                if (part.type === 'text-delta') {
                  answer += part.text;
                  process.stdout.write(part.text);
                }
                if (part.type === 'finish') {
                  const note =
                    part.reason === 'abort'
                      ? ' [stopped]'
                      : part.reason === 'length'
                        ? ' [length limit]'
                        : '';
                  process.stdout.write(`${DIM}${note} (${part.usage.completionTokens} tokens)${RESET}\n`);
                }
              }
              current = undefined;
              history.push({ role: 'assistant', content: answer });
            }
          } finally {
            terminal.close();
          }
        },
        { loadModel: true },
      );
    });
}
