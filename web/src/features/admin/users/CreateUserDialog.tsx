import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { Role } from '../../../api/types';
import { useT } from '../../../i18n/i18n';
import { Dialog } from '../../../ui/Dialog';
import { errorMessage } from '../../../ui/states';
import { adminKeys, createUser } from '../api';
import { generatePassword } from './password';
import { ROLES } from './UserRow';

/** The create-user dialog: e-mail, username, display name, role, temporary password. */
export function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  return (
    <Dialog open={open} title={t('admin.users.createTitle')} onClose={onClose}>
      <CreateUserForm onClose={onClose} />
    </Dialog>
  );
}

function CreateUserForm({ onClose }: { onClose: () => void }) {
  const t = useT();
  const id = useId();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [password, setPassword] = useState('');
  const [mustChange, setMustChange] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: createUser,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: adminKeys.allUsers });
      onClose();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password.length < 8) return setProblem(t('password.tooShort'));
    if (username.trim() && username.trim().length < 2) return setProblem(t('admin.users.usernameShort'));
    setProblem(null);
    create.mutate({
      email: email.trim(),
      ...(username.trim() && { username: username.trim() }),
      ...(displayName.trim() && { display_name: displayName.trim() }),
      role,
      password,
      must_change_password: mustChange,
    });
  };

  return (
    <form className="form admin-form" onSubmit={submit}>
      <label htmlFor={`${id}-email`}>{t('admin.users.email')}</label>
      <input
        id={`${id}-email`}
        type="email"
        required
        autoComplete="off"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <label htmlFor={`${id}-username`}>{t('admin.users.usernameOptional')}</label>
      <input
        id={`${id}-username`}
        autoComplete="off"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
      />
      <label htmlFor={`${id}-name`}>{t('admin.users.displayName')}</label>
      <input
        id={`${id}-name`}
        autoComplete="off"
        value={displayName}
        onChange={(event) => setDisplayName(event.target.value)}
      />
      <label htmlFor={`${id}-role`}>{t('admin.users.role')}</label>
      <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as Role)}>
        {ROLES.map((option) => (
          <option key={option} value={option}>
            {t(`role.${option}`)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-password`}>{t('admin.users.tempPassword')}</label>
      <div className="input-row">
        <input
          id={`${id}-password`}
          type="text"
          required
          minLength={8}
          autoComplete="new-password"
          spellCheck={false}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="button" className="button" onClick={() => setPassword(generatePassword())}>
          {t('admin.users.generate')}
        </button>
      </div>
      <label className="checkbox-label">
        <input
          type="checkbox"
          checked={mustChange}
          onChange={(event) => setMustChange(event.target.checked)}
        />
        {t('admin.users.mustChange')}
      </label>
      <p className="form-error" role="alert">
        {problem ?? (create.isError ? errorMessage(create.error) : '')}
      </p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? t('admin.users.creating') : t('common.create')}
        </button>
      </div>
    </form>
  );
}
