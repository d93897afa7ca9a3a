import { useCallback, useId, useState } from 'react';
import type { Conversation } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { usePrompts } from './api';
import { ModelPicker } from './ModelPicker';
import type { RagMode } from './turns';

const RAG_KEY = 'privatestack.chat.ragMode';
const RAG_MODES: readonly RagMode[] = ['off', 'auto', 'always'];

function storedRagMode(): RagMode {
  try {
    const value = localStorage.getItem(RAG_KEY);
    return RAG_MODES.includes(value as RagMode) ? (value as RagMode) : 'off';
  } catch {
    return 'off';
  }
}

/** The knowledge setting, remembered in localStorage. */
export function useRagMode(): [RagMode, (mode: RagMode) => void] {
  const [mode, setMode] = useState<RagMode>(storedRagMode);
  const change = useCallback((next: RagMode) => {
    try {
      localStorage.setItem(RAG_KEY, next);
    } catch {
      // not remembered, still used
    }
    setMode(next);
  }, []);
  return [mode, change];
}

/** Model, system prompt and knowledge pickers above the conversation. */
export function ChatToolbar(props: {
  conversation?: Conversation;
  isNew: boolean;
  promptId: string | undefined;
  onPromptChange: (id: string | undefined) => void;
  ragMode: RagMode;
  onRagModeChange: (mode: RagMode) => void;
}) {
  const { conversation, isNew, promptId, onPromptChange, ragMode, onRagModeChange } = props;
  const t = useT();
  const knowledgeId = useId();
  return (
    <div className="chat-toolbar">
      <ModelPicker />
      <PromptPicker conversation={conversation} isNew={isNew} value={promptId} onChange={onPromptChange} />
      <div className="chat-field">
        <label htmlFor={knowledgeId}>{t('chat.knowledge')}</label>
        <select
          id={knowledgeId}
          value={ragMode}
          title={t('chat.knowledge.hint')}
          onChange={(event) => onRagModeChange(event.target.value as RagMode)}
        >
          {RAG_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {t(`chat.knowledge.${mode}`)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** A new chat picks its system prompt; an existing one shows the prompt it started with. */
function PromptPicker(props: {
  conversation?: Conversation;
  isNew: boolean;
  value: string | undefined;
  onChange: (id: string | undefined) => void;
}) {
  const { conversation, isNew, value, onChange } = props;
  const t = useT();
  const id = useId();
  const prompts = usePrompts();
  const list = prompts.data?.prompts ?? [];
  const active = list.find((prompt) => prompt.is_active);

  if (!isNew) {
    if (!conversation) return null;
    const used = list.find((prompt) => prompt.id === conversation.prompt_id);
    const name =
      conversation.prompt_id === null ? t('chat.prompt.none') : (used?.name ?? t('chat.prompt.removed'));
    return (
      <div className="chat-field" title={t('chat.prompt.fixed')}>
        <span className="chat-field-label">{t('chat.prompt')}</span>
        <span className="chat-field-value" data-testid="conversation-prompt">
          {prompts.isPending ? '…' : name}
        </span>
      </div>
    );
  }
  if (list.length === 0) return null;
  return (
    <div className="chat-field">
      <label htmlFor={id}>{t('chat.prompt')}</label>
      <select
        id={id}
        value={value ?? active?.id ?? ''}
        onChange={(event) => onChange(event.target.value || undefined)}
      >
        {!active && <option value="">{t('chat.prompt.none')}</option>}
        {list.map((prompt) => (
          <option key={prompt.id} value={prompt.id}>
            {prompt.is_active ? t('chat.prompt.active', { name: prompt.name }) : prompt.name}
          </option>
        ))}
      </select>
    </div>
  );
}
