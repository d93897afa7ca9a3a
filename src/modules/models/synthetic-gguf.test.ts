import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  getLlama,
  LlamaChatSession,
  LlamaLogLevel,
  QwenChatWrapper,
  readGgufFileInfo,
  resolveChatWrapper,
  type Llama,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedModel, SHARED_MODELS_DIR } from '../../../test/helpers/shared-models.js';
import { readGgufMetadata } from './gguf-reader.js';
import { GgufValueType, writeGgufFile, type GgufMetadataEntry } from './gguf-writer.js';
import { findModelShape } from './model-shapes.js';
import { fallbackType, usesMoreBits } from './quant-types.js';
import { describeShapeTensors, generateShapedModel, listModelShapes } from './synthetic-gguf.js';

const QWEN_05B = 'qwen2.5-0.5b-instruct-q4_k_m';
const QWEN_TEMPLATE = 'templates/Qwen-Qwen2.5-7B-Instruct.jinja';

let workDir: string;
let llama: Llama;

beforeAll(async () => {
  // Verifies the pinned vocabulary and template files first, so a damaged asset fails loudly here.
  for (const asset of ['vocab/ggml-vocab-qwen2.gguf', 'vocab/ggml-vocab-bert-bge.gguf', QWEN_TEMPLATE]) {
    sharedModel(asset);
  }
  workDir = await mkdtemp(path.join(os.tmpdir(), 'synthetic-gguf-'));
  llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
});

afterAll(async () => {
  await llama?.dispose();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function sha256Of(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('Q4_K_M type choice', () => {
  it('gives more bits to the first and last eighth of the layers and every third one between', () => {
    const layers = Array.from({ length: 28 }, (_, layer) => layer).filter((layer) => usesMoreBits(layer, 28));
    expect(layers).toEqual([0, 1, 2, 5, 8, 11, 14, 17, 20, 23, 24, 25, 26, 27]);
  });

  it('falls back to 32-element types for widths that are not a multiple of 256', () => {
    expect(fallbackType('Q4_K', 896)).toBe('Q5_0');
    expect(fallbackType('Q6_K', 896)).toBe('Q8_0');
    expect(fallbackType('Q4_K', 1536)).toBe('Q4_K');
    expect(fallbackType('Q4_K', 100)).toBe('F16');
  });

  it('matches llama-quantize for the 0.5B shape (hidden 896) and the untied R1 distill', () => {
    const types = (shapeName: string) =>
      new Map(describeShapeTensors(findModelShape(shapeName)).map((tensor) => [tensor.name, tensor.type]));
    const small = types(QWEN_05B);
    expect(small.get('token_embd.weight')).toBe('Q8_0');
    expect([small.get('blk.0.attn_q.weight'), small.get('blk.3.attn_v.weight')]).toEqual(['Q5_0', 'Q5_0']);
    expect([small.get('blk.5.attn_v.weight'), small.get('blk.5.ffn_down.weight')]).toEqual(['Q8_0', 'Q6_K']);
    expect([small.get('blk.4.ffn_down.weight'), small.get('blk.0.attn_norm.weight')]).toEqual([
      'Q4_K',
      'F32',
    ]);
    const distill = types('deepseek-r1-distill-qwen-1.5b-q4_k_m');
    expect([distill.get('token_embd.weight'), distill.get('output.weight')]).toEqual(['Q4_K', 'Q6_K']);
  });
});

describe('GGUF writer', () => {
  it('writes metadata of every type that both our reader and node-llama-cpp read back', async () => {
    const metadata: GgufMetadataEntry[] = [
      { key: 'test.u8', value: { type: GgufValueType.Uint8, value: 200 } },
      { key: 'test.i16', value: { type: GgufValueType.Int16, value: -300 } },
      { key: 'test.u64', value: { type: GgufValueType.Uint64, value: 2n ** 40n } },
      { key: 'test.f64', value: { type: GgufValueType.Float64, value: 0.1 } },
      { key: 'test.flag', value: { type: GgufValueType.Bool, value: true } },
      { key: 'test.words', value: { type: 9, elementType: GgufValueType.String, values: ['a', 'żółw', ''] } },
      { key: 'test.ints', value: { type: 9, elementType: GgufValueType.Int32, values: [-1, 2, 3] } },
    ];
    const filePath = path.join(workDir, 'tiny.gguf');
    const data = () => [new Uint8Array(12).fill(7)];
    const tensors = [
      { name: 'a', dims: [3], type: 0, byteSize: 12, data },
      { name: 'b', dims: [3], type: 0, byteSize: 12, data },
    ];
    const { sizeBytes } = await writeGgufFile({ filePath, metadata, tensors });

    expect(await readGgufMetadata(filePath)).toEqual(metadata);
    const info = await readGgufFileInfo(filePath, { logWarnings: false });
    expect(info.tensorInfo?.map((tensor) => [tensor.name, Number(tensor.offset)])).toEqual([
      ['a', 0],
      ['b', 32], // every tensor starts on the 32-byte alignment
    ]);
    expect(sizeBytes).toBe((await stat(filePath)).size);
    expect(sizeBytes).toBe((info.infoEndOffset ?? 0) + 32 + 32);
  });

  it('leaves nothing on disk when aborted', async () => {
    const outputPath = path.join(workDir, 'aborted.gguf');
    const controller = new AbortController();
    controller.abort();
    const options = { shape: 'bge-small-en-v1.5-f16', assetsDirectory: SHARED_MODELS_DIR };
    await expect(
      generateShapedModel({ ...options, outputPath, signal: controller.signal }),
    ).rejects.toThrow();
    expect(await readdir(workDir)).not.toContain('aborted.gguf.partial');
    expect(await readdir(workDir)).not.toContain('aborted.gguf');
  });
});

describe('generateShapedModel', () => {
  it('lists the catalogue shapes and rejects unknown names', () => {
    const names = listModelShapes().map((shape) => shape.name);
    expect(names).toEqual([
      QWEN_05B,
      'qwen2.5-1.5b-instruct-q4_k_m',
      'deepseek-r1-distill-qwen-1.5b-q4_k_m',
      'bge-small-en-v1.5-f16',
    ]);
    expect(() => findModelShape('no-such-model')).toThrow(/not found/);
  });

  it('writes a Qwen2.5-0.5B-shaped file the size of the real release that llama.cpp loads and runs', async () => {
    const outputPath = path.join(workDir, `${QWEN_05B}.gguf`);
    let lastProgress = [0, 0];
    const result = await generateShapedModel({
      shape: QWEN_05B,
      outputPath,
      assetsDirectory: SHARED_MODELS_DIR,
      onProgress: (written, total) => (lastProgress = [written, total]),
    });

    expect(result.tensorCount).toBe(290);
    expect(Math.abs(result.sizeBytes / 397_807_360 - 1)).toBeLessThan(0.01);
    expect((await stat(outputPath)).size).toBe(result.sizeBytes);
    expect(lastProgress).toEqual([result.sizeBytes, result.sizeBytes]);

    const model = await llama.loadModel({ modelPath: outputPath });
    try {
      expect(model.fileInfo.metadata.tokenizer.ggml.tokens).toHaveLength(151_936);
      expect(model.tokenize('<|file_sep|>', true)).toEqual([151_664]); // a Qwen2.5-only added token

      const chat =
        '<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHello, 世界!<|im_end|>\n';
      const tokens = model.tokenize(chat, true);
      expect(tokens[0]).toBe(151_644);
      expect(model.detokenize(tokens, true)).toBe(chat);

      const template = await readFile(path.join(SHARED_MODELS_DIR, QWEN_TEMPLATE), 'utf8');
      expect(model.fileInfo.metadata.tokenizer.chat_template).toBe(template);
      expect(resolveChatWrapper(model)).toBeInstanceOf(QwenChatWrapper);

      const context = await model.createContext({ contextSize: 256, threads: 1 });
      const session = new LlamaChatSession({ contextSequence: context.getSequence() });
      const reply = await session.prompt('Say hi', { maxTokens: 4, temperature: 0 });
      expect(typeof reply).toBe('string'); // gibberish by design; running without error is the point
      await context.dispose();
    } finally {
      await model.dispose();
      await rm(outputPath, { force: true });
    }
  });

  it('writes a bge-small-shaped embedding model that returns 384-dimensional vectors, reproducibly', async () => {
    const first = path.join(workDir, 'bge-1.gguf');
    const second = path.join(workDir, 'bge-2.gguf');
    const options = { shape: 'bge-small-en-v1.5-f16', assetsDirectory: SHARED_MODELS_DIR, seed: 7 };
    await generateShapedModel({ ...options, outputPath: first });
    await generateShapedModel({ ...options, outputPath: second });
    expect(await sha256Of(first)).toBe(await sha256Of(second));

    const model = await llama.loadModel({ modelPath: first });
    try {
      const context = await model.createEmbeddingContext({ contextSize: 128, threads: 1 });
      const { vector } = await context.getEmbeddingFor('A lighthouse keeper writes a letter.');
      expect(vector).toHaveLength(384);
      expect(vector.every((value) => Number.isFinite(value))).toBe(true);
      expect(vector.some((value) => value !== 0)).toBe(true);
      await context.dispose();
    } finally {
      await model.dispose();
    }
  });
});
