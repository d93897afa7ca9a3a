/**
 * Indonesian descriptions of the model catalogue, by catalogue name. The server's catalogue
 * (src/modules/models/model-catalog.ts) holds the English ones and serves them; the admin console shows
 * these instead in Indonesian. test/integration/catalog-translations.test.ts fails when a catalogue
 * entry has none here, or when one here names no entry.
 */
export const catalogDescriptions: Readonly<Record<string, string>> = {
  'deepseek-r1-distill-qwen-1.5b':
    'Kemampuan penalaran DeepSeek-R1 yang didistilasi ke Qwen2.5-Math-1.5B; berpikir dulu sebelum menjawab, kuat di matematika',
  'qwen2.5-1.5b-instruct':
    'Qwen2.5 1.5B Instruct: model chat kecil serba bisa yang terbaik untuk server 2 inti',
  'qwen2.5-0.5b-instruct':
    'Qwen2.5 0.5B Instruct: model chat tercepat yang masih berguna, untuk mesin dengan memori kecil',
  'llama-3.2-1b-instruct':
    'Meta Llama 3.2 1B Instruct: ringkas, multibahasa, dan mengikuti instruksi dengan baik',
  'phi-3-mini-4k-instruct':
    'Microsoft Phi-3 mini 4k: model terkuat di sini, tetapi lambat dan boros memori di CPU',
  'tinyllama-1.1b-chat':
    'TinyLlama 1.1B Chat v1.0: kecil dan cepat, tetapi jawabannya sederhana; konteks 2048',
  'bge-small-en-v1.5':
    'BAAI bge-small-en-v1.5: embedding teks bahasa Inggris 384 dimensi untuk pencarian pengetahuan',
};
