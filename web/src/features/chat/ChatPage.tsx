import { useCallback, useState } from 'react';
import { ChatView } from './ChatView';
import { ConversationList } from './ConversationList';
import './chat.css';

/** The chat screen: the conversation list beside the open conversation (or a new chat). */
export default function ChatPage({ conversationId }: { conversationId?: string }) {
  const [listOpen, setListOpen] = useState(false);
  const closeList = useCallback(() => setListOpen(false), []);
  const toggleList = useCallback(() => setListOpen((open) => !open), []);
  return (
    <div className={`chat ${listOpen ? 'chat-list-open' : ''}`}>
      <ConversationList activeId={conversationId} onNavigate={closeList} />
      <ChatView
        key={conversationId ?? 'new'}
        conversationId={conversationId}
        listOpen={listOpen}
        onToggleList={toggleList}
      />
    </div>
  );
}
