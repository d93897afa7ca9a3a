import { useCallback, useState } from 'react';
import { useUser } from '../../auth/useSession';
import { useT } from '../../i18n/i18n';
import { useFollowDocuments, useRagHealth, useWorkspaces } from './api';
import { DocumentList } from './DocumentList';
import { canUpload } from './permissions';
import { resolveTarget, UploadPanel, type Visibility } from './UploadPanel';
import { useUploads } from './useUploads';
import { WorkspacesBar } from './WorkspacesBar';
import './documents.css';

/** The knowledge base: workspaces, uploads with progress, and the documents with their live status. */
export default function DocumentsPage() {
  const t = useT();
  const user = useUser();
  const workspaces = useWorkspaces();
  const health = useRagHealth();
  const [following, setFollowing] = useState<string[]>([]);
  const follow = useCallback(
    (id: string) => setFollowing((current) => (current.includes(id) ? current : [...current, id])),
    [],
  );
  const unfollow = useCallback(
    (ids: string[]) => setFollowing((current) => current.filter((id) => !ids.includes(id))),
    [],
  );
  useFollowDocuments(following, unfollow);
  const uploads = useUploads(follow);
  const [selected, setSelected] = useState('');
  const [chosenTarget, setChosenTarget] = useState<string | null>(null);
  const [visibility, setVisibility] = useState<Visibility>('workspace');
  const list = workspaces.data ?? [];
  // A workspace that disappeared (or was never visible) falls back to "all".
  const workspaceId = list.some((workspace) => workspace.id === selected) ? selected : '';
  const keywordOnly =
    health.data !== undefined && (!health.data.embeddings.available || !health.data.vector_store.available);

  const target = resolveTarget(list, user, workspaceId, chosenTarget);

  return (
    <section className="page docs-page" aria-labelledby="docs-title">
      <h1 id="docs-title">{t('documents.title')}</h1>
      <p className="muted docs-intro">{t('documents.intro')}</p>
      {keywordOnly && (
        <p className="docs-notice" data-testid="keyword-only">
          {t('documents.keywordOnly')}
        </p>
      )}
      <WorkspacesBar
        user={user}
        workspaces={workspaces.data}
        error={workspaces.error}
        onRetry={() => void workspaces.refetch()}
        selected={workspaceId}
        onSelect={setSelected}
      />
      <UploadPanel
        user={user}
        workspaces={list}
        filterWorkspaceId={workspaceId}
        target={target}
        onTarget={setChosenTarget}
        visibility={visibility}
        onVisibility={setVisibility}
        uploads={uploads}
      />
      <DocumentList
        user={user}
        workspaces={list}
        workspaceId={workspaceId}
        onFollow={follow}
        onDropFiles={
          canUpload(user) ? (files) => uploads.add(files, { workspaceId: target, visibility }) : undefined
        }
      />
    </section>
  );
}
