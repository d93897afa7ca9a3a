import { useState } from 'react';
import type { FileInfo, User, Workspace } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading, errorMessage } from '../../ui/states';
import { downloadDocument, useDocuments, useMemberNames, useReprocessDocument } from './api';
import { DeleteDialog } from './DeleteDialog';
import { DocumentRow } from './DocumentRow';
import { useFileDrop } from './DropZone';
import { formatNumber } from './format';
import { canDelete, canReprocess } from './permissions';
import { PreviewDialog } from './PreviewDialog';
import './document-list.css';

const PAGE_SIZE = 20;
const STATUSES = ['UPLOADED', 'PROCESSING', 'PROCESSED', 'FAILED'] as const;

/** The documents the user may read: filters, the list with live status, actions and pages. */
export function DocumentList({
  user,
  workspaces,
  workspaceId,
  onFollow,
  onDropFiles,
}: {
  user: User;
  workspaces: readonly Workspace[];
  workspaceId: string;
  /** Told of a document sent back to processing, to follow it until it settles. */
  onFollow: (id: string) => void;
  /** Set when the user may upload: the empty list then accepts dropped files too. */
  onDropFiles?: (files: File[]) => void;
}) {
  const { t, locale } = useI18n();
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState({ key: '', skip: 0 });
  const filterKey = `${workspaceId}|${status}`;
  // A new filter starts again at the first page.
  const skip = page.key === filterKey ? page.skip : 0;
  const list = useDocuments({ status, workspaceId, skip, limit: PAGE_SIZE });
  const [preview, setPreview] = useState<FileInfo | null>(null);
  const [deleting, setDeleting] = useState<FileInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const reprocess = useReprocessDocument();
  const drop = useFileDrop((files) => onDropFiles?.(files));

  const files = list.data?.files ?? [];
  const total = list.data?.total ?? 0;
  const shown = files.filter((file) =>
    file.original_filename.toLowerCase().includes(search.trim().toLowerCase()),
  );
  const roles = new Map(workspaces.map((workspace) => [workspace.id, workspace.my_role]));
  const workspaceNames = new Map(workspaces.map((workspace) => [workspace.id, workspace.name]));
  const names = useMemberNames([...new Set(files.map((file) => file.workspace_id))]);
  const uploaderOf = (file: FileInfo) =>
    file.uploaded_by === user.id
      ? t('documents.you')
      : ((file.uploaded_by && names.get(file.uploaded_by)) ?? t('documents.unknownUser'));

  const run = (action: () => Promise<unknown>) => {
    setNotice(null);
    action().catch((error: unknown) => setNotice(errorMessage(error)));
  };

  let body;
  if (list.isPending) body = <Loading label={t('documents.list.loading')} />;
  else if (list.isError) body = <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  else if (total === 0 && !status && skip === 0)
    body = (
      <div
        className={`docs-empty ${onDropFiles ? 'docs-empty-drop' : ''} ${drop.dragging ? 'docs-dropzone-active' : ''}`}
        {...(onDropFiles ? drop.handlers : {})}
      >
        <EmptyState title={onDropFiles ? t('documents.list.emptyDrop') : t('documents.list.empty')} />
      </div>
    );
  else if (shown.length === 0) body = <EmptyState title={t('documents.list.noMatch')} />;
  else
    body = (
      <table
        className={`table docs-table ${list.isPlaceholderData ? 'docs-stale' : ''}`}
        aria-busy={list.isPlaceholderData}
      >
        <thead>
          <tr>
            <th scope="col">{t('documents.column.name')}</th>
            <th scope="col">{t('documents.column.status')}</th>
            <th scope="col">{t('documents.column.workspace')}</th>
            <th scope="col">{t('documents.column.uploaded')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((file) => (
            <DocumentRow
              key={file.id}
              file={file}
              workspaceName={workspaceNames.get(file.workspace_id) ?? '—'}
              uploader={uploaderOf(file)}
              actions={{
                canReprocess: canReprocess(file, roles, user),
                canDelete: canDelete(file, roles, user),
                reprocessing: reprocess.isPending && reprocess.variables === file.id,
                onPreview: () => setPreview(file),
                onDownload: () => run(() => downloadDocument(file)),
                onReprocess: () => run(() => reprocess.mutateAsync(file.id).then(() => onFollow(file.id))),
                onDelete: () => setDeleting(file),
              }}
            />
          ))}
        </tbody>
      </table>
    );

  return (
    <section className="card docs-list" aria-labelledby="docs-list-title">
      <div className="docs-section-head">
        <h2 id="docs-list-title" className="docs-section-title">
          {t('documents.list.title')}
        </h2>
        {list.isFetching && !list.isPending && <span className="spinner" aria-hidden="true" />}
      </div>
      <div className="docs-filters" role="search">
        <div className="docs-field">
          <label htmlFor="docs-search">{t('documents.filter.search')}</label>
          <input
            id="docs-search"
            type="search"
            value={search}
            placeholder={t('documents.filter.searchPlaceholder')}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <div className="docs-field">
          <label htmlFor="docs-status">{t('documents.filter.status')}</label>
          <select id="docs-status" value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value="">{t('documents.filter.allStatuses')}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`documents.status.${value}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {notice && (
        <p className="docs-alert" role="alert">
          {notice}
        </p>
      )}
      {body}
      {total > PAGE_SIZE && (
        <nav className="docs-pages" aria-label={t('documents.pager.label')}>
          <button
            type="button"
            className="button"
            disabled={skip === 0}
            onClick={() => setPage({ key: filterKey, skip: Math.max(0, skip - PAGE_SIZE) })}
          >
            {t('common.previous')}
          </button>
          <span className="muted small">
            {t('documents.pager.range', {
              from: formatNumber(skip + 1, locale),
              to: formatNumber(Math.min(skip + PAGE_SIZE, total), locale),
              total: formatNumber(total, locale),
            })}
          </span>
          <button
            type="button"
            className="button"
            disabled={skip + PAGE_SIZE >= total}
            onClick={() => setPage({ key: filterKey, skip: skip + PAGE_SIZE })}
          >
            {t('common.next')}
          </button>
        </nav>
      )}
      <PreviewDialog file={preview} onClose={() => setPreview(null)} />
      <DeleteDialog file={deleting} onClose={() => setDeleting(null)} />
    </section>
  );
}
