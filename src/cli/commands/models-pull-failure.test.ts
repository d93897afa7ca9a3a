import { describe, expect, it } from 'vitest';
import { resolvePullTarget } from '../../modules/models/model-download.js';
import { AppError } from '../../shared/errors.js';
import { pullFailureMessage } from './models-pull-failure.js';

const MODELS = '/srv/privatestack/data/models';
const unreachable = (host: string) =>
  new AppError('DOWNLOAD_FAILED', `Could not reach ${host}: the host name does not resolve (ENOTFOUND)`, {
    retryable: true,
    details: { host, cause: 'ENOTFOUND', reached: false },
  });

describe('pullFailureMessage (models pull)', () => {
  it('spells out the offline install of a catalogue model: exact URL, size, sha256, copy, models add', () => {
    const target = resolvePullTarget('qwen2.5-0.5b-instruct');
    const text = pullFailureMessage({
      error: unreachable('huggingface.co'),
      target,
      destinationDir: MODELS,
      keptBytes: 0,
      proxyConfigured: false,
    });
    const file = `${MODELS}/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf`;
    expect(text).toContain(
      'error: Could not reach huggingface.co: the host name does not resolve (ENOTFOUND)\n',
    );
    expect(text).toContain('Nothing was kept.\n');
    expect(text).toContain(`       ${target.url}\n`);
    expect(text).toContain(`(397,808,192 bytes, sha256 ${target.entry?.sha256})`);
    expect(text).toContain(`Copy the file onto this server, e.g. to ${file}\n`);
    expect(text).toContain(`Run: npx privatestack models add ${file}\n`);
    expect(text).toContain('Or set MODEL_HUB_URL to an internal mirror');
    expect(text).not.toMatch(/resume|proxy/i);
    // Every command printed for a person to run is runnable from the checkout.
    expect(text).not.toMatch(/(?<!npx )\bprivatestack /);
  });

  it('offers a mirror URL, not MODEL_HUB_URL, for a file pulled by URL; notes an ignored proxy', () => {
    const target = resolvePullTarget('https://mirror.example.test/org/tiny.gguf');
    const text = pullFailureMessage({
      error: unreachable('mirror.example.test'),
      target,
      destinationDir: MODELS,
      keptBytes: 0,
      proxyConfigured: true,
    });
    expect(text).toContain('       https://mirror.example.test/org/tiny.gguf\n');
    expect(text).toContain(`npx privatestack models add ${MODELS}/tiny.gguf`);
    expect(text).toContain('npx privatestack models pull <mirror URL>');
    expect(text).not.toContain('MODEL_HUB_URL');
    expect(text).not.toContain('sha256');
    expect(text).toContain('HTTPS_PROXY/HTTP_PROXY is set, but pulls connect directly');
  });

  it('says what was kept and that running again resumes, after a transfer broke off', () => {
    const error = new AppError(
      'DOWNLOAD_FAILED',
      'The download from cdn.example.test broke off: the connection was reset (ECONNRESET)',
      {
        retryable: true,
        details: { host: 'cdn.example.test', cause: 'ECONNRESET', reached: true },
      },
    );
    const text = pullFailureMessage({
      error,
      target: resolvePullTarget('https://cdn.example.test/tiny.gguf'),
      destinationDir: MODELS,
      keptBytes: 3 * 1024 * 1024,
      proxyConfigured: false,
    });
    expect(text).toBe(
      'error: The download from cdn.example.test broke off: the connection was reset (ECONNRESET)\n' +
        `Kept 3.0 MiB in ${MODELS}/tiny.gguf.part; run the same command again to resume.\n`,
    );
  });

  it('gives no offline instructions when the host answered (an HTTP error is not a missing network)', () => {
    const error = new AppError(
      'DOWNLOAD_FAILED',
      'example.test answered HTTP 404 Not Found for https://example.test/x.gguf',
      {
        details: { upstreamStatus: 404, host: 'example.test' },
      },
    );
    const text = pullFailureMessage({
      error,
      target: resolvePullTarget('https://example.test/x.gguf'),
      destinationDir: MODELS,
      keptBytes: 0,
      proxyConfigured: false,
    });
    expect(text).toBe(
      'error: example.test answered HTTP 404 Not Found for https://example.test/x.gguf\nNothing was kept.\n',
    );
  });
});
