/**
 * Engine benchmark (issue 2): full-size-shaped Qwen2.5 models, 2 threads, ratios measured in one run.
 *   npm run bench [-- --shapes a,b] [--tokens 128] [--models-dir DIR]
 * Writes bench/results/engine.json and bench/results/engine.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateShapedModel } from '../src/modules/models/synthetic-gguf.js';
import { startBenchServer, type StreamTiming } from './bench-server.js';

const { values } = parseArgs({
  options: {
    shapes: { type: 'string', default: 'qwen2.5-1.5b-instruct-q4_k_m,qwen2.5-0.5b-instruct-q4_k_m' },
    tokens: { type: 'string', default: '128' },
    'models-dir': { type: 'string', default: 'bench/models' },
    threads: { type: 'string', default: '2' },
    context: { type: 'string', default: '4096' },
    parallel: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    reference: { type: 'string', default: 'bench/.llama/build/bin/llama-batched-bench' },
  },
});
const TOKENS = Number(values.tokens);
const ROUNDS = Number(values.rounds);
const THREADS = values.threads;
const PROMPT = 'Write a detailed report about the quarterly sales figures of a mid-sized company.';
const LONG_HISTORY =
  'The quarterly review covered revenue, margins, churn and hiring plans in detail. '.repeat(70);
const settings = { max_tokens: TOKENS, ignore_eos: true, temperature: 0 };

/** Decode tokens/s of one stream, from its first to its last chunk. */
const decodeRate = (timing: StreamTiming) =>
  (timing.completionTokens - 1) / ((timing.lastChunkAt - timing.firstChunkAt) / 1000);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The engine decoding the same prompt directly, in a fresh child process (the baseline). */
function measureDirect(modelPath: string): number {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'bench/engine-direct.ts', modelPath, THREADS, values.context, String(TOKENS), PROMPT],
    { encoding: 'utf8' },
  );
  return (JSON.parse(output.trim().split('\n').at(-1)!) as { decodeTokensPerSecond: number })
    .decodeTokensPerSecond;
}

async function ensureModel(shape: string): Promise<string> {
  const modelPath = path.resolve(values['models-dir'], `${shape}.gguf`);
  if (!existsSync(modelPath)) {
    mkdirSync(path.dirname(modelPath), { recursive: true });
    process.stderr.write(`generating ${shape} → ${modelPath}\n`);
    await generateShapedModel({ shape, outputPath: modelPath });
  }
  return modelPath;
}

/**
 * llama.cpp's own batched decode on the same file and machine (llama-batched-bench, built by
 * bench/build-llama-reference.sh): what 1 and 4 parallel sequences reach without us.
 */
function measureReference(modelPath: string) {
  if (!existsSync(values.reference)) return undefined;
  const output = execFileSync(
    values.reference,
    [
      '-m',
      modelPath,
      '-c',
      String(Number(values.context) * 4),
      '-b',
      '512',
      '-npp',
      '32',
      '-ntg',
      String(TOKENS),
      '-npl',
      '1,4',
      '-t',
      THREADS,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const rows = output
    .split('\n')
    .filter((line) => /^\|\s+\d+/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()));
  // Columns: PP | TG | B | N_KV | T_PP | S_PP | T_TG | S_TG | T | S
  const tg = (parallel: number) => Number(rows.find((row) => row[3] === String(parallel))?.[8]);
  return {
    singleTokensPerSecond: tg(1),
    fourAggregateTokensPerSecond: tg(4),
    fourStreamRatio: tg(4) / tg(1),
  };
}

/** Peak server RSS with a given context per sequence, after one answer (KV cache and buffers touched). */
async function measurePeakRss(modelPath: string, contextPerSequence: number): Promise<number> {
  const server = await startBenchServer({
    MODEL_PATH: modelPath,
    MODEL_THREADS: THREADS,
    MODEL_CONTEXT_LENGTH: String(contextPerSequence),
    MODEL_PARALLEL: values.parallel,
  });
  try {
    await server.send(await server.newSession(), PROMPT, { max_tokens: 16, temperature: 0 });
    return server.peakRssBytes();
  } finally {
    await server.stop();
  }
}

/** Runs ROUNDS interleaved rounds (direct, server single, server x4) so machine noise hits all alike. */
async function measureShape(shape: string) {
  const modelPath = await ensureModel(shape);
  const server = await startBenchServer({
    MODEL_PATH: modelPath,
    MODEL_THREADS: THREADS,
    MODEL_CONTEXT_LENGTH: values.context,
    MODEL_PARALLEL: values.parallel,
  });
  try {
    await server.send(await server.newSession(), 'warm up', { max_tokens: 8, temperature: 0 });
    const rounds: { direct: number; single: number; singleServerSide: number; aggregate: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const direct = measureDirect(modelPath);
      const singleTiming = await server.send(await server.newSession(), PROMPT, settings);
      const single = decodeRate(singleTiming);
      const singleServerSide = (singleTiming.completionTokens - 1) / (singleTiming.serverDecodeMs / 1000);
      const sessions = await Promise.all([0, 1, 2, 3].map(() => server.newSession()));
      const concurrent = await Promise.all(sessions.map((id) => server.send(id, PROMPT, settings)));
      const span =
        (Math.max(...concurrent.map((t) => t.lastChunkAt)) -
          Math.min(...concurrent.map((t) => t.firstChunkAt))) /
        1000;
      const aggregate = concurrent.reduce((sum, t) => sum + t.completionTokens - 1, 0) / span;
      rounds.push({ direct, single, singleServerSide, aggregate });
      process.stderr.write(
        `  round ${round + 1}: direct ${direct.toFixed(1)}, single ${single.toFixed(1)}, x4 ${aggregate.toFixed(1)} t/s\n`,
      );
    }
    const reference = measureReference(modelPath);
    const conversation = await server.newSession();
    const turn1 = await server.send(conversation, LONG_HISTORY, {
      max_tokens: 16,
      ignore_eos: true,
      temperature: 0,
    });
    const turn2 = await server.send(conversation, 'Summarise that in one line.', {
      max_tokens: 16,
      ignore_eos: true,
      temperature: 0,
    });
    const ttft = (t: StreamTiming) => t.firstChunkAt - t.startedAt;
    return {
      shape,
      modelBytes: statSync(modelPath).size,
      rounds,
      directDecodeTokensPerSecond: median(rounds.map((r) => r.direct)),
      serverSingleStreamTokensPerSecond: median(rounds.map((r) => r.single)),
      singleStreamRatio: median(rounds.map((r) => r.single / r.direct)),
      singleStreamServerSideRatio: median(rounds.map((r) => r.singleServerSide / r.direct)),
      serverFourStreamAggregateTokensPerSecond: median(rounds.map((r) => r.aggregate)),
      fourStreamRatio: median(rounds.map((r) => r.aggregate / r.single)),
      llamaCppReference: reference,
      firstTurnPromptTokens: turn1.promptTokens,
      firstTurnTtftMs: ttft(turn1),
      secondTurnPromptTokens: turn2.promptTokens,
      secondTurnTtftMs: ttft(turn2),
      secondTurnTtftRatio: ttft(turn2) / ttft(turn1),
      peakRssBytes: server.peakRssBytes(),
    };
  } finally {
    await server.stop();
  }
}

execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
const results = [];
for (const shape of values.shapes.split(',')) {
  process.stderr.write(`measuring ${shape}\n`);
  const measured = await measureShape(shape);
  // llama.cpp's server counts -c as the KV budget shared by its parallel slots; the same budget here
  // is context/parallel per sequence.
  const sharedBudgetContext = Number(values.context) / Number(values.parallel);
  const modelPath = path.resolve(values['models-dir'], `${shape}.gguf`);
  results.push({
    ...measured,
    sharedBudgetContext,
    peakRssSharedBudgetBytes: await measurePeakRss(modelPath, sharedBudgetContext),
  });
}
const run = {
  date: new Date().toISOString(),
  commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
  settings: {
    threads: THREADS,
    contextPerSequence: values.context,
    parallelSequences: values.parallel,
    decodeTokens: TOKENS,
  },
  results,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/engine.json', `${JSON.stringify(run, null, 2)}\n`);
writeFileSync('bench/results/engine.md', toMarkdown(run));
process.stdout.write(toMarkdown(run));

function toMarkdown(data: typeof run): string {
  const f = (value: number, digits = 1) => value.toFixed(digits);
  const rows = data.results.map((r) =>
    [
      r.shape,
      f(r.directDecodeTokensPerSecond),
      f(r.serverSingleStreamTokensPerSecond),
      `**${f(r.singleStreamRatio, 2)}** (≥ 0.97)`,
      f(r.singleStreamServerSideRatio, 2),
      f(r.serverFourStreamAggregateTokensPerSecond),
      `**${f(r.fourStreamRatio, 2)}** (≥ 2.0)`,
      r.llamaCppReference ? `${f(r.llamaCppReference.fourStreamRatio, 2)}` : 'n/a',
      `${f(r.firstTurnTtftMs, 0)} / ${f(r.secondTurnTtftMs, 0)} ms`,
      `**${f(r.secondTurnTtftRatio, 3)}** (≤ 0.25)`,
      `${f(r.peakRssBytes / 2 ** 30, 2)} GiB`,
      `**${f(r.peakRssSharedBudgetBytes / 2 ** 30, 2)} GiB** (≤ 1.3)`,
    ].join(' | '),
  );
  return [
    `# Engine benchmark — ${data.date} (commit ${data.commit})`,
    '',
    `${data.machine.cpu}, ${data.machine.cores} cores; threads ${data.settings.threads}, context ${data.settings.contextPerSequence} per sequence × ${data.settings.parallelSequences} sequences, ${data.settings.decodeTokens} decoded tokens, ignore_eos.`,
    '',
    '| shape | direct t/s | server 1 stream t/s | ratio | ratio, server-timed | server 4 streams t/s | 4-stream ratio | llama.cpp batched-bench 4/1 | TTFT turn 1 / turn 2 | TTFT ratio | peak RSS, 4 × 4096 | peak RSS, 4096 shared (4 × 1024) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
    '',
  ].join('\n');
}
