/** Loading BEIR SciFact (train split) from ../shared/data/scifact, and the metrics BEIR reports. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One abstract of the corpus. */
export interface CorpusDocument {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

/** The data set: corpus, queries, and relevant documents per query. */
export interface SciFact {
  readonly corpus: CorpusDocument[];
  readonly queries: { id: string; text: string }[];
  readonly qrels: Map<string, Set<string>>;
}

/** Reads the corpus, train queries and qrels. */
export function loadSciFact(dir = path.resolve('../shared/data/scifact')): SciFact {
  const corpus = gunzipSync(readFileSync(path.join(dir, 'corpus.jsonl.gz')))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const raw = JSON.parse(line) as { _id: string; title: string; text: string };
      return { id: raw._id, title: raw.title, text: raw.text };
    });
  const qrels = new Map<string, Set<string>>();
  for (const line of readFileSync(path.join(dir, 'qrels/train.tsv'), 'utf8').split('\n').slice(1)) {
    const [query, doc, score] = line.split('\t');
    if (!query || !doc || Number(score) <= 0) continue;
    if (!qrels.has(query)) qrels.set(query, new Set());
    qrels.get(query)!.add(doc);
  }
  const queries = readFileSync(path.join(dir, 'queries.train.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const raw = JSON.parse(line) as { _id: string; text: string };
      return { id: raw._id, text: raw.text };
    })
    .filter((query) => qrels.has(query.id));
  return { corpus, queries, qrels };
}

/** nDCG@k with binary relevance (BEIR/pytrec_eval definition). */
export function ndcgAt(ranked: readonly string[], relevant: Set<string>, k = 10): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, index) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(index + 2);
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(relevant.size, k); index += 1) ideal += 1 / Math.log2(index + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Recall@k: share of the relevant documents found in the first k. */
export function recallAt(ranked: readonly string[], relevant: Set<string>, k = 10): number {
  const found = ranked.slice(0, k).filter((id) => relevant.has(id)).length;
  return relevant.size === 0 ? 0 : found / relevant.size;
}
