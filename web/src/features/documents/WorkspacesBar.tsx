import { useState } from 'react';
import type { User, Workspace } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Icon } from '../../ui/Icon';
import { ErrorState } from '../../ui/states';
import { CreateWorkspaceDialog } from './CreateWorkspaceDialog';
import { formatNumber } from './format';
import { canCreateWorkspace } from './permissions';

/** The workspaces as filter buttons (with the user's role in each), and "New workspace" for staff. */
export function WorkspacesBar({
  user,
  workspaces,
  error,
  onRetry,
  selected,
  onSelect,
}: {
  user: User;
  workspaces: readonly Workspace[] | undefined;
  error: unknown;
  onRetry: () => void;
  selected: string;
  onSelect: (id: string) => void;
}) {
  const { t, locale } = useI18n();
  const [creating, setCreating] = useState(false);
  return (
    <section className="card docs-workspaces" aria-labelledby="docs-workspaces-title">
      <div className="docs-section-head">
        <h2 id="docs-workspaces-title" className="docs-section-title">
          {t('documents.workspaces.title')}
        </h2>
        {canCreateWorkspace(user) && (
          <button type="button" className="button" onClick={() => setCreating(true)}>
            <Icon name="plus" size={18} />
            {t('documents.workspaces.create')}
          </button>
        )}
      </div>
      {error ? (
        <ErrorState error={error} onRetry={onRetry} />
      ) : (
        <ul className="docs-chips" aria-label={t('documents.workspaces.filter')}>
          <li>
            <button
              type="button"
              className="docs-chip"
              aria-pressed={selected === ''}
              onClick={() => onSelect('')}
            >
              {t('documents.workspaces.all')}
            </button>
          </li>
          {(workspaces ?? []).map((workspace) => (
            <li key={workspace.id}>
              <button
                type="button"
                className="docs-chip"
                aria-pressed={selected === workspace.id}
                title={workspace.description ?? undefined}
                onClick={() => onSelect(workspace.id)}
              >
                <span className="docs-chip-name">{workspace.name}</span>
                <span className="docs-chip-meta">
                  {workspace.my_role
                    ? t(`documents.role.${workspace.my_role}`)
                    : t('documents.role.adminOnly')}
                  {' · '}
                  {workspace.member_count === 1
                    ? t('documents.workspaces.membersOne')
                    : t('documents.workspaces.members', {
                        count: formatNumber(workspace.member_count, locale),
                      })}
                  {workspace.status === 'archived' && ` · ${t('documents.workspaces.archived')}`}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {workspaces?.length === 0 && <p className="muted small">{t('documents.workspaces.none')}</p>}
      <CreateWorkspaceDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(workspace) => {
          setCreating(false);
          onSelect(workspace.id);
        }}
      />
    </section>
  );
}
