import { useId } from 'react';
import { useTheme, type ThemeChoice } from '../../app/theme';
import { useI18n } from '../../i18n/i18n';
import type { Language, MessageKey } from '../../i18n/messages';

/** A group of radio buttons drawn as a segmented control. */
function ChoiceGroup<T extends string>(props: {
  legend: string;
  hint?: string;
  name: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: string; lang?: string }>;
  onChange: (value: T) => void;
}) {
  const { legend, hint, name, value, options, onChange } = props;
  const id = useId();
  return (
    <fieldset className="settings-choice" aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      <div className="settings-segments">
        {options.map((option) => (
          <label key={option.value} className="settings-segment" lang={option.lang}>
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {hint && (
        <p id={`${id}-hint`} className="muted small">
          {hint}
        </p>
      )}
    </fieldset>
  );
}

const LANGUAGES: ReadonlyArray<{ value: Language; label: MessageKey }> = [
  { value: 'en', label: 'settings.language.en' },
  { value: 'id', label: 'settings.language.id' },
];
const THEMES: ReadonlyArray<{ value: ThemeChoice; label: MessageKey }> = [
  { value: 'light', label: 'settings.theme.light' },
  { value: 'dark', label: 'settings.theme.dark' },
  { value: 'system', label: 'settings.theme.system' },
];

/** Language and theme, both remembered on this device. */
export function Preferences() {
  const { t, language, setLanguage } = useI18n();
  const [theme, setTheme] = useTheme();
  return (
    <section className="card settings-card" aria-labelledby="settings-appearance-title">
      <h2 id="settings-appearance-title">{t('settings.appearance')}</h2>
      <ChoiceGroup
        legend={t('settings.language')}
        hint={t('settings.language.hint')}
        name="language"
        value={language}
        options={LANGUAGES.map((option) => ({
          value: option.value,
          label: t(option.label),
          lang: option.value,
        }))}
        onChange={setLanguage}
      />
      <ChoiceGroup
        legend={t('settings.theme')}
        name="theme"
        value={theme}
        options={THEMES.map((option) => ({ value: option.value, label: t(option.label) }))}
        onChange={setTheme}
      />
    </section>
  );
}
