/** Placeholder until the documents screen lands. */
export default function DocumentsPage() {
  return <section className="page" />;
}
