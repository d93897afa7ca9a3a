/** Placeholder until the admin screen lands. */
export default function AdminConsole() {
  return <section className="page" />;
}
