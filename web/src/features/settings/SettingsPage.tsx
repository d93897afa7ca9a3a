/** Placeholder until the settings screen lands. */
export default function SettingsPage() {
  return <section className="page" />;
}
