import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storiesModel } from '../../../test/helpers/shared-models.js';
import { AppError } from '../../shared/errors.js';
import { GGML_TYPE_SIZES } from './ggml-type-sizes.js';
import { checkGgufComplete } from './gguf-completeness.js';

// stories260K's layout (read with node-llama-cpp's readGgufFileInfo): a 24-byte header, metadata up
// to byte 11,347, 48 tensor infos up to 14,152, tensor data from 14,176 (32-byte aligned) to the end.
const STORIES_BYTES = 1_185_376;
let dir = '';
let model: Buffer;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gguf-complete-'));
  model = readFileSync(storiesModel());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `bytes` and returns the check's error message, or 'complete'. */
async function verdict(bytes: Buffer): Promise<string> {
  const filePath = path.join(dir, 'model.gguf');
  writeFileSync(filePath, bytes);
  try {
    await checkGgufComplete(filePath, 'model.gguf');
    return 'complete';
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('NOT_A_GGUF');
    return (error as AppError).message;
  }
}

describe('checkGgufComplete', () => {
  it('accepts the whole model and reports its layout', async () => {
    const filePath = path.join(dir, 'whole.gguf');
    writeFileSync(filePath, model);
    await expect(checkGgufComplete(filePath)).resolves.toEqual({
      tensorCount: 48,
      requiredBytes: STORIES_BYTES,
      fileBytes: STORIES_BYTES,
    });
    // Bytes after the last tensor are harmless to llama.cpp.
    expect(await verdict(Buffer.concat([model, Buffer.alloc(100)]))).toBe('complete');
  });

  it.each([
    [10, 'it ends inside its header (10 bytes; a copy cut short?)'],
    [24, 'it ends inside its metadata (24 bytes; a copy cut short?)'],
    [5_000, 'it ends inside its metadata (5000 bytes; a copy cut short?)'],
    [11_347, 'it ends inside its tensor infos (11347 bytes; a copy cut short?)'],
    [13_000, 'it ends inside its tensor infos (13000 bytes; a copy cut short?)'],
    [14_176, 'tensor token_embd.weight ends at byte 145248 but the file has 14176 bytes (a copy cut short?)'],
    [
      600_000,
      'tensor blk.1.ffn_up.weight ends at byte 639840 but the file has 600000 bytes (a copy cut short?)',
    ],
    [
      STORIES_BYTES - 1,
      `tensor blk.4.ffn_norm.weight ends at byte ${STORIES_BYTES} but the file has ${STORIES_BYTES - 1} bytes (a copy cut short?)`,
    ],
  ])('refuses the model cut at byte %i, saying where it ends', async (length, problem) => {
    expect(await verdict(model.subarray(0, length))).toBe(`model.gguf is incomplete or damaged: ${problem}`);
  });

  it('refuses the GGUF magic followed by random bytes, quickly, with any version', async () => {
    for (const version of [undefined, 2, 3]) {
      const head = version === undefined ? [] : [Buffer.from(new Uint32Array([version]).buffer)];
      const bytes = Buffer.concat([Buffer.from('GGUF'), ...head, randomBytes(2_000_000)]);
      const started = Date.now();
      expect(await verdict(bytes)).toMatch(/^model\.gguf is incomplete or damaged: /);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });

  it('refuses a file without the magic as not a GGUF', async () => {
    expect(await verdict(Buffer.from('meeting notes'))).toMatch(/^The file is not a GGUF model/);
  });

  it("knows every ggml type's block layout exactly as the llama.cpp binding does", async () => {
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    const bindings = (llama as unknown as { _bindings: Record<string, (type: number) => number | undefined> })
      ._bindings;
    for (let type = 0; type < 48; type++) {
      const blockElements = bindings.getBlockSizeForGgmlType!(type);
      const blockBytes = bindings.getTypeSizeForGgmlType!(type);
      const known = blockElements ? { blockElements, blockBytes } : undefined;
      expect(GGML_TYPE_SIZES[type], `ggml type ${type}`).toEqual(known);
    }
  });
});
