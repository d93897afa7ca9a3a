import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeVariables, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8000 });
    expect(config.model).toMatchObject({ contextLength: 4096, temperature: 0.3, topP: 0.9 });
    expect(config.storage.sqlitePath).toBe(path.resolve('data/privatestack.db'));
    expect(config.storage.modelsDir).toBe(path.resolve('data/models'));
  });

  it('names every wrong variable and says why, all at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', MODEL_TEMPERATURE: '7', CACHE_ENABLED: 'maybe', JWT_SECRET_KEY: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT: expected an integer, got "eighty"');
    expect(message).toContain('MODEL_TEMPERATURE: expected a number from 0 to 2, got 7');
    expect(message).toContain('CACHE_ENABLED: expected true or false, got "maybe"');
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('checks relations between variables', () => {
    expect(() => loadConfig({ JWT_SECRET_KEY: 'too short' })).toThrow(
      'JWT_SECRET_KEY: must be at least 32 characters',
    );
    expect(() => loadConfig({ CHUNK_SIZE: '100', CHUNK_OVERLAP: '100' })).toThrow('CHUNK_OVERLAP');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow('DATABASE_URL');
  });

  it('reads the seed .env names from a file, with the environment taking precedence', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'privatestack-config-'));
    const file = path.join(dir, '.env');
    writeFileSync(file, 'MODEL_THREADS=4\nLOG_LEVEL=INFO\nPORT=9000\n');
    const config = loadConfig({ PORT: '9100' }, { dotenvPath: file });
    expect(config.model.threads).toBe(4);
    expect(config.server.logLevel).toBe('info');
    expect(config.server.port).toBe(9100);
  });

  it('is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('README', () => {
  it('documents every configuration variable', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const missing = describeVariables()
      .map((variable) => variable.name)
      .filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
