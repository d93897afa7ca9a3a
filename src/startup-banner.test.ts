import { describe, expect, it } from 'vitest';
import { serverUrl, startupBanner, type BannerFacts } from './startup-banner.js';

const facts: BannerFacts = {
  version: '1.2.3',
  host: '127.0.0.1',
  port: 8000,
  dataDir: '/srv/privatestack/data',
  databasePath: '/srv/privatestack/data/privatestack.db',
  admin: { created: false },
};

describe('startup banner', () => {
  it('gives a browser URL for every kind of bind address', () => {
    expect(serverUrl('127.0.0.1', 8000)).toBe('http://127.0.0.1:8000/');
    expect(serverUrl('0.0.0.0', 8080)).toBe('http://localhost:8080/');
    expect(serverUrl('::', 8080)).toBe('http://localhost:8080/');
    expect(serverUrl('::1', 9000)).toBe('http://[::1]:9000/');
    expect(serverUrl('fd00::5', 9000)).toBe('http://[fd00::5]:9000/');
  });

  it('says that other machines need the server address when it listens on every address', () => {
    const text = startupBanner({ ...facts, host: '0.0.0.0' });
    expect(text).toContain('running at http://localhost:8000/');
    expect(text).toContain(
      "listening on every address, 0.0.0.0: other machines use this server's name or IP",
    );
    expect(startupBanner(facts)).not.toContain('every address');
  });

  it('tells the first admin how to sign in, whichever way the password was chosen', () => {
    const generated = startupBanner({
      ...facts,
      admin: {
        created: true,
        email: 'a@b',
        generatedPassword: 'x',
        passwordFile: '/d/initial-admin-password',
      },
    });
    expect(generated).toContain('user "admin" with the temporary password printed above');
    expect(generated).toContain('/d/initial-admin-password');
    expect(startupBanner({ ...facts, admin: { created: true, email: 'a@b' } })).toContain(
      'user "admin" with the ADMIN_PASSWORD you set',
    );
    expect(startupBanner(facts)).not.toContain('Sign in');
  });

  it('names the model, or says why there is none and how to get one, online or offline', () => {
    expect(startupBanner({ ...facts, modelName: 'qwen2.5-1.5b-instruct' })).toContain(
      'Model     qwen2.5-1.5b-instruct (loaded)',
    );
    const broken = startupBanner({ ...facts, modelError: 'Could not load model /m.gguf: bad magic' });
    expect(broken).toContain('Model     not loaded: Could not load model /m.gguf: bad magic');
    for (const text of [broken, startupBanner(facts)]) {
      expect(text).toContain('npx privatestack models pull <id>');
      expect(text).toContain('npx privatestack models add <file.gguf>');
      expect(text).toContain('MODEL_PATH=');
    }
  });

  it('stays short: a dozen lines at most', () => {
    const longest = startupBanner({
      ...facts,
      host: '0.0.0.0',
      admin: { created: true, email: 'a@b', generatedPassword: 'x', passwordFile: '/d/f' },
    });
    expect(longest.trim().split('\n').length).toBeLessThanOrEqual(12);
  });
});
