/**
 * Baseline: the engine decoding directly (node-llama-cpp, no HTTP, no database). Run as a child process
 * so it gets the same clean process as the server. Prints one JSON line.
 * Usage: tsx bench/engine-direct.ts <model.gguf> <threads> <contextSize> <decodeTokens> <prompt> [sequences]
 */
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';

const [modelPath, threadsArg, contextArg, tokensArg, prompt, sequencesArg] = process.argv.slice(2);
if (!modelPath || !prompt)
  throw new Error('usage: engine-direct.ts <model> <threads> <context> <tokens> <prompt>');
const decodeTokens = Number(tokensArg);

const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath, useMmap: false });
const context = await model.createContext({
  contextSize: Number(contextArg),
  sequences: Number(sequencesArg ?? 1),
  threads: Number(threadsArg),
});
const sequence = context.getSequence();
const promptTokens = model.tokenize(prompt);

const started = performance.now();
let firstTokenAt = 0;
let generated = 0;
for await (const _token of sequence.evaluate(promptTokens, { temperature: 0, yieldEogToken: true })) {
  generated += 1;
  if (generated === 1) firstTokenAt = performance.now();
  if (generated >= decodeTokens) break;
}
const finished = performance.now();
process.stdout.write(
  `${JSON.stringify({
    promptTokens: promptTokens.length,
    generated,
    timeToFirstTokenMs: firstTokenAt - started,
    decodeTokensPerSecond: (generated - 1) / ((finished - firstTokenAt) / 1000),
  })}\n`,
);
await context.dispose();
await model.dispose();
