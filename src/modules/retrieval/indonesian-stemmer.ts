/**
 * A light Indonesian stemmer (after Nazief & Adriani / Tala's rule set): strips particles (-lah, -kah,
 * -tah, -pun), possessives (-ku, -mu, -nya), derivational suffixes (-kan, -an, -i) and prefixes
 * (di-, ke-, se-, ter-, ber-, per-, and me-/pe- with their sound changes: meny- → s, mem- → p,
 * men- → t, meng- → k). "pengajuan", "mengajukan" and "diajukan" all become "aju". Without a
 * dictionary it over-stems some words; it is only used as an extra matching form beside the word.
 */
const PARTICLE = /(lah|kah|tah|pun)$/;
const POSSESSIVE = /(ku|mu|nya)$/;
const SUFFIX = /(kan|an|i)$/;
const MIN_STEM = 3;

/** The stem of one lower-case word, or the word itself when no rule applies. */
export function stemIndonesian(word: string): string {
  if (word.length <= 4 || !/^[a-z]+$/.test(word)) return word;
  let stem = strip(word, PARTICLE);
  stem = strip(stem, POSSESSIVE);
  for (let round = 0; round < 2; round += 1) {
    const next = stripPrefix(stem);
    if (next === stem) break;
    stem = next;
  }
  // A derivational suffix only comes off a word long enough to carry one (not "makan", "bukan").
  if (stem.length >= 6 || stem !== word) stem = strip(stem, SUFFIX);
  return stem.length >= MIN_STEM ? stem : word;
}

function strip(word: string, pattern: RegExp): string {
  const next = word.replace(pattern, '');
  return next.length >= MIN_STEM ? next : word;
}

function stripPrefix(word: string): string {
  const rules: [RegExp, (match: RegExpMatchArray) => string][] = [
    [/^(di|ke|se)([a-z]{4,})$/, (m) => m[2]!],
    [/^(ter|ber|per)([a-z]{3,})$/, (m) => m[2]!],
    [/^be(k[a-z]{3,})$/, (m) => m[1]!], // bekerja → kerja
    // meng-/peng- before a vowel: the root may start with a vowel (ajukan) or a dropped k (kirim);
    // without a dictionary we keep the vowel, so all derived forms of one root still agree.
    [/^(me|pe)ng([aiueogh][a-z]{2,})$/, (m) => m[2]!],
    [/^(me|pe)ny([aiueo][a-z]{2,})$/, (m) => `s${m[2]}`],
    [/^(me|pe)m([bfv][a-z]{2,})$/, (m) => m[2]!],
    [/^(me|pe)m([aiueo][a-z]{2,})$/, (m) => `p${m[2]}`],
    [/^(me|pe)n([cdjz][a-z]{2,})$/, (m) => m[2]!],
    [/^(me|pe)n([aiueo][a-z]{2,})$/, (m) => `t${m[2]}`],
    [/^(me|pe)([lmnrwy][a-z]{2,})$/, (m) => m[2]!],
  ];
  for (const [pattern, rewrite] of rules) {
    const match = word.match(pattern);
    if (match) return rewrite(match);
  }
  return word;
}

// Frequent Indonesian function words: their share tells Indonesian text from English.
const MARKERS = new Set(
  (
    'yang dan di untuk dengan ini itu dari dalam tidak akan pada adalah ke atau oleh juga karena sudah ' +
    'dapat bisa harus agar serta bagi tersebut setiap secara telah antara para kami kita mereka'
  ).split(' '),
);

/** Whether a text reads as Indonesian (enough of its words are Indonesian function words). */
export function looksIndonesian(text: string): boolean {
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  if (words.length === 0) return false;
  const markers = words.filter((word) => MARKERS.has(word)).length;
  return markers >= 2 ? markers / words.length >= 0.04 : words.length <= 12 && markers === 1;
}

/**
 * Extra index text for an Indonesian passage: the stems that differ from their words, so a search
 * for "pengajuan cuti" also finds "mengajukan cuti". English text gets nothing added.
 */
export function indonesianStemsOf(text: string): string {
  if (!looksIndonesian(text)) return '';
  const stems = new Set<string>();
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const stem = stemIndonesian(word);
    if (stem !== word) stems.add(stem);
  }
  return [...stems].join(' ');
}
