import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useT } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';

/** Drag-and-drop handlers for any element that accepts files, and whether files hover over it. */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const [dragging, setDragging] = useState(false);
  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
  return {
    dragging,
    handlers: {
      onDragEnter: (event: DragEvent) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setDragging(true);
      },
      onDragOver: (event: DragEvent) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave: (event: DragEvent) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      },
      onDrop: (event: DragEvent) => {
        event.preventDefault();
        setDragging(false);
        const files = Array.from(event.dataTransfer?.files ?? []);
        if (files.length > 0) onFiles(files);
      },
    },
  };
}

/** A drop zone with a keyboard-reachable "Choose files" button opening the file picker. */
export function DropZone({
  accept,
  onFiles,
  disabled,
  children,
}: {
  /** The extensions offered by the file picker (without the dot). */
  accept: readonly string[];
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  children?: ReactNode;
}) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const { dragging, handlers } = useFileDrop(onFiles);
  return (
    <div
      className={`docs-dropzone ${dragging ? 'docs-dropzone-active' : ''}`}
      data-testid="drop-zone"
      {...(disabled ? {} : handlers)}
    >
      <Icon name="upload" size={28} />
      <p className="docs-dropzone-title">{t('documents.drop.title')}</p>
      <button
        type="button"
        className="button button-primary"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        {t('documents.drop.choose')}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept={accept.map((extension) => `.${extension}`).join(',')}
        aria-label={t('documents.drop.choose')}
        data-testid="file-input"
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          event.currentTarget.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
      {children}
    </div>
  );
}
