import { useId } from 'react';
import type { User, Workspace } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { DropZone } from './DropZone';
import { canUpload, isOwnPersonalWorkspace, writableWorkspaces } from './permissions';
import type { UploadTarget } from './upload';
import { UploadQueue } from './UploadQueue';
import type { useUploads } from './useUploads';

/** Who may read an uploaded document. */
export type Visibility = UploadTarget['visibility'];
const VISIBILITIES: readonly Visibility[] = ['workspace', 'managers', 'private'];
const ALIASES: readonly string[] = ['text', 'log', 'markdown', 'htm'];

/** The upload destinations: the writable workspaces, plus the personal one ('') before it exists. */
export function uploadTargets(workspaces: readonly Workspace[], user: User) {
  const writable = writableWorkspaces(workspaces, user);
  const offerPersonal = !workspaces.some((workspace) => isOwnPersonalWorkspace(workspace, user));
  const values = [...(offerPersonal ? [''] : []), ...writable.map((workspace) => workspace.id)];
  return { writable, offerPersonal, values };
}

/** The workspace an upload goes to: the user's choice, else the filtered one, else their personal one. */
export function resolveTarget(
  workspaces: readonly Workspace[],
  user: User,
  filterWorkspaceId: string,
  chosen: string | null,
): string {
  const { writable, values } = uploadTargets(workspaces, user);
  if (chosen !== null && values.includes(chosen)) return chosen;
  if (values.includes(filterWorkspaceId)) return filterWorkspaceId;
  const personal = writable.find((workspace) => isOwnPersonalWorkspace(workspace, user));
  return personal?.id ?? values[0] ?? '';
}

/** The upload card: target workspace and visibility, the drop zone, and the queue. */
export function UploadPanel({
  user,
  workspaces,
  filterWorkspaceId,
  target,
  onTarget,
  visibility,
  onVisibility,
  uploads,
}: {
  user: User;
  workspaces: readonly Workspace[];
  filterWorkspaceId: string;
  target: string;
  onTarget: (id: string) => void;
  visibility: Visibility;
  onVisibility: (visibility: Visibility) => void;
  uploads: ReturnType<typeof useUploads>;
}) {
  const t = useT();
  const ids = { target: useId(), visibility: useId(), hint: useId() };

  if (!canUpload(user)) {
    return (
      <section className="card docs-upload" aria-labelledby={ids.target}>
        <h2 id={ids.target} className="docs-section-title">
          {t('documents.upload.title')}
        </h2>
        <p className="muted" data-testid="upload-disabled">
          {t('documents.upload.viewer')}
        </p>
      </section>
    );
  }

  const { writable, offerPersonal, values } = uploadTargets(workspaces, user);
  const filtered = workspaces.find((workspace) => workspace.id === filterWorkspaceId);
  const readOnlyFilter = filtered && !values.includes(filtered.id);

  return (
    <section className="card docs-upload" aria-labelledby={`${ids.target}-title`}>
      <h2 id={`${ids.target}-title`} className="docs-section-title">
        {t('documents.upload.title')}
      </h2>
      {readOnlyFilter && (
        <p className="docs-notice" data-testid="read-only-workspace">
          {t('documents.upload.readOnly', { name: filtered.name })}
        </p>
      )}
      <div className="docs-upload-options">
        <div className="docs-field">
          <label htmlFor={ids.target}>{t('documents.upload.target')}</label>
          <select id={ids.target} value={target} onChange={(event) => onTarget(event.target.value)}>
            {offerPersonal && <option value="">{t('documents.upload.personal')}</option>}
            {writable.map((workspace) => (
              <option key={workspace.id} value={workspace.id}>
                {workspace.name}
              </option>
            ))}
          </select>
        </div>
        <div className="docs-field">
          <label htmlFor={ids.visibility}>{t('documents.upload.visibility')}</label>
          <select
            id={ids.visibility}
            value={visibility}
            onChange={(event) => onVisibility(event.target.value as Visibility)}
          >
            {VISIBILITIES.map((value) => (
              <option key={value} value={value}>
                {t(`documents.visibility.${value}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <DropZone
        accept={uploads.limits.extensions}
        onFiles={(files) => uploads.add(files, { workspaceId: target, visibility })}
      >
        <p id={ids.hint} className="muted small docs-dropzone-hint" data-testid="upload-hint">
          {t('documents.drop.hint', {
            // The aliases (.text, .log, .markdown, .htm) would only lengthen the line.
            types: uploads.limits.extensions
              .filter((ext) => !ALIASES.includes(ext))
              .map((ext) => `.${ext}`)
              .join(' '),
            max: uploads.limits.maxUploadMb,
          })}
        </p>
      </DropZone>
      <UploadQueue items={uploads.items} onDismiss={uploads.dismiss} onClear={uploads.clearFinished} />
    </section>
  );
}
