import { describe, expect, it } from 'vitest';
import { toRagInput } from './chat.mapping.js';

describe('knowledge settings of a chat request', () => {
  it('takes rag_mode first, then use_rag, then the configured default', () => {
    expect(toRagInput({ rag_mode: 'auto', use_rag: false }, 'off').mode).toBe('auto');
    expect(toRagInput({ use_rag: true }, 'off').mode).toBe('always');
    expect(toRagInput({ use_rag: false }, 'always').mode).toBe('off');
    expect(toRagInput({}, 'auto')).toEqual({ mode: 'auto', workspaceIds: undefined });
    expect(toRagInput({ workspace_ids: ['w1'] }, 'off')).toEqual({ mode: 'off', workspaceIds: ['w1'] });
  });
});
