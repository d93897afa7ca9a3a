import { useEffect, useRef } from 'react';

/**
 * Keeps a scroll box pinned to its bottom while its content grows (a streaming answer), unless the
 * user scrolled up to read: no re-render, just a ResizeObserver.
 */
export function useStickToBottom() {
  const scrollRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = scrollRef.current;
    const content = contentRef.current;
    if (!box || !content) return;
    let stick = true;
    const onScroll = () => {
      stick = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    };
    const observer = new ResizeObserver(() => {
      if (stick) box.scrollTop = box.scrollHeight;
    });
    box.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(content);
    return () => {
      box.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, []);
  return { scrollRef, contentRef };
}
