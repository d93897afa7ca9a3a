/** Placeholder until the chat screen lands. */
export default function ChatPage(_props: { conversationId?: string }) {
  return <section className="page" />;
}
