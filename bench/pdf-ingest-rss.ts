/**
 * Peak memory of ingesting a large text PDF: the product's extraction (extractDocument, a worker thread)
 * plus chunking, and streaming the upload through the file store. Each measurement runs in a fresh
 * child process, so its peak (sampled RSS every 20 ms, and the kernel's VmHWM) is its own.
 *   npx tsx bench/pdf-ingest-rss.ts [--pages 500] [--lines 40] [--rounds 3] [--upload-mb 50,200]
 * Writes bench/results/pdf-ingest.json and bench/results/pdf-ingest.md.
 */
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  readFileSync,
} from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { chunkDocument } from '../src/modules/documents/chunking/chunker.js';
import {
  extractDocument,
  extractionLimitsFrom,
} from '../src/modules/documents/extraction/extraction-runner.js';
import { createFileStore } from '../src/modules/documents/file-store.js';
import { loadSciFact } from './retrieval/scifact.js';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '500' },
    lines: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '3' },
    'upload-mb': { type: 'string', default: '50,200' },
    out: { type: 'string', default: 'bench/results' },
    // Internal: a child process measuring one phase.
    phase: { type: 'string' },
    file: { type: 'string' },
  },
});
const MIB = 1024 * 1024;
const SAMPLE_MS = 20;

/** What a child reports for one phase (bytes and seconds). */
interface PhaseResult {
  baseline_rss: number;
  peak_rss_sampled: number;
  vm_hwm_before: number;
  vm_hwm_after: number;
  seconds: number;
  pages?: number;
  chunks?: number;
  text_chars?: number;
  chunk_seconds?: number;
  bytes?: number;
}

/** The kernel's high-water mark of this process's resident memory (VmHWM), in bytes. */
function vmHwm(): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Samples process RSS every SAMPLE_MS until stopped; returns the highest value seen. */
function rssSampler(): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** Child side: measures one phase on `file` and prints its PhaseResult as JSON. */
async function runPhase(phase: string, file: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'privatestack-rss-'));
  const config = loadConfig({ DATA_DIR: dir });
  const store = createFileStore(path.join(dir, 'files'));
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const baseline = process.memoryUsage.rss();
  const hwmBefore = vmHwm();
  const sampler = rssSampler();
  const started = performance.now();
  let result: Partial<PhaseResult>;
  if (phase === 'extract') {
    const document = await extractDocument(file, 'pdf', extractionLimitsFrom(config));
    const extracted = performance.now();
    const chunks = chunkDocument(document, {
      chunkSize: config.retrieval.chunkSize,
      overlap: config.retrieval.chunkOverlap,
    });
    result = {
      pages: document.pageCount,
      chunks: chunks.length,
      text_chars: document.text.length,
      seconds: (extracted - started) / 1000,
      chunk_seconds: (performance.now() - extracted) / 1000,
    };
  } else if (phase === 'upload') {
    const received = await store.receive(createReadStream(file), 10_240 * MIB);
    result = { bytes: received.size, seconds: (performance.now() - started) / 1000 };
    await store.discard(received);
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
  const peak = sampler.stop();
  const report: PhaseResult = {
    ...result,
    seconds: result.seconds!,
    baseline_rss: baseline,
    peak_rss_sampled: peak,
    vm_hwm_before: hwmBefore,
    vm_hwm_after: vmHwm(),
  };
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(report));
}

/** Lines of varied ASCII text (SciFact abstracts, WinAnsi-safe), wrapped at `width` characters. */
function textLines(count: number, width = 80): string[] {
  const words = loadSciFact()
    .corpus.map((document) => document.text.replace(/[^\x20-\x7e]/g, ' '))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (let position = 0; lines.length < count; position = (position + 1) % words.length) {
    const word = words[position]!;
    if (line.length + word.length + 1 > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  return lines;
}

/** Runs one phase in a fresh process (with --expose-gc) and parses its report. */
function child(phase: string, file: string): PhaseResult {
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'bench/pdf-ingest-rss.ts', '--phase', phase, '--file', file],
    { encoding: 'utf8', maxBuffer: 16 * MIB },
  );
  return JSON.parse(output.trim().split('\n').at(-1)!) as PhaseResult;
}

const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

if (values.phase) {
  await runPhase(values.phase, path.resolve(values.file!));
} else {
  await main();
}

async function main(): Promise<void> {
  const pages = Number(values.pages);
  const linesPerPage = Number(values.lines);
  const rounds = Number(values.rounds);
  const uploadSizes = values['upload-mb'].split(',').map(Number);
  const dir = mkdtempSync(path.join(tmpdir(), 'privatestack-pdf-bench-'));
  const { makePdf } = await import('../test/helpers/documents.js');

  // A paragraph gap every 8 lines, so extraction and chunking see paragraph structure.
  const lines = textLines(pages * linesPerPage);
  const pageLines = Array.from({ length: pages }, (_, page) =>
    lines
      .slice(page * linesPerPage, (page + 1) * linesPerPage)
      .flatMap((line, position) => (position > 0 && position % 8 === 0 ? ['', line] : [line]))
      .slice(0, linesPerPage),
  );
  const generateStart = performance.now();
  const pdfPath = path.join(dir, 'large.pdf');
  writeFileSync(pdfPath, await makePdf(pageLines, { title: 'Large text PDF' }));
  const generateSeconds = (performance.now() - generateStart) / 1000;
  const pdfBytes = statSync(pdfPath).size;
  process.stderr.write(
    `PDF: ${pages} pages, ${(pdfBytes / MIB).toFixed(1)} MiB in ${generateSeconds.toFixed(1)} s\n`,
  );
  // The fixed cost of an extraction (worker start-up, parser modules): the same text, one page.
  const onePagePath = path.join(dir, 'one-page.pdf');
  writeFileSync(onePagePath, await makePdf(pageLines.slice(0, 1), { title: 'One page' }));

  // Bigger uploads (random bytes; 50 MiB is the default MAX_UPLOAD_MB), written in 1 MiB pieces.
  const uploadPaths = uploadSizes.map((mebibytes) => {
    const file = path.join(dir, `upload-${mebibytes}.bin`);
    const descriptor = openSync(file, 'w');
    const piece = Buffer.alloc(MIB);
    for (let written = 0; written < mebibytes; written += 1) writeSync(descriptor, randomFillSync(piece));
    closeSync(descriptor);
    return file;
  });

  const phases: { name: string; phase: string; file: string }[] = [
    { name: 'extract_one_page', phase: 'extract', file: onePagePath },
    { name: 'extract', phase: 'extract', file: pdfPath },
    { name: 'upload_pdf', phase: 'upload', file: pdfPath },
    ...uploadSizes.map((mebibytes, position) => ({
      name: `upload_${mebibytes}_mib`,
      phase: 'upload',
      file: uploadPaths[position]!,
    })),
  ];
  const runs: Record<string, PhaseResult[]> = Object.fromEntries(phases.map((phase) => [phase.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const phase of phases) runs[phase.name]!.push(child(phase.phase, phase.file));
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  rmSync(dir, { recursive: true, force: true });

  const mib = (bytes: number) => Math.round((bytes / MIB) * 10) / 10;
  const summary = (list: PhaseResult[]) => ({
    baseline_rss_mib: mib(median(list.map((run) => run.baseline_rss))),
    peak_rss_sampled_mib: mib(median(list.map((run) => run.peak_rss_sampled))),
    peak_minus_baseline_mib: mib(median(list.map((run) => run.peak_rss_sampled - run.baseline_rss))),
    vm_hwm_before_mib: mib(median(list.map((run) => run.vm_hwm_before))),
    vm_hwm_after_mib: mib(median(list.map((run) => run.vm_hwm_after))),
    vm_hwm_minus_baseline_mib: mib(median(list.map((run) => run.vm_hwm_after - run.baseline_rss))),
    seconds: Math.round(median(list.map((run) => run.seconds)) * 100) / 100,
    bytes: list[0]!.bytes,
  });
  const summaries = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, summary(list)]));
  const extract = runs.extract!;
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
  const config = loadConfig({ DATA_DIR: dir });
  const report = {
    date: new Date().toISOString(),
    commit,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    node: process.version,
    command: `npx tsx bench/pdf-ingest-rss.ts --pages ${pages} --lines ${linesPerPage} --rounds ${rounds} --upload-mb ${uploadSizes.join(',')}`,
    pdf: {
      pages,
      lines_per_page: linesPerPage,
      bytes: pdfBytes,
      mib: mib(pdfBytes),
      generate_seconds: Math.round(generateSeconds * 10) / 10,
    },
    extraction_memory_mb: config.documents.extractionMemoryMb,
    extracted: {
      pages: extract[0]!.pages,
      chunks: extract[0]!.chunks,
      text_chars: extract[0]!.text_chars,
      chunk_seconds: Math.round(median(extract.map((run) => run.chunk_seconds!)) * 1000) / 1000,
    },
    results: summaries,
    size_dependent_extraction_growth_mib: mib(
      median(extract.map((run) => run.peak_rss_sampled - run.baseline_rss)) -
        median(runs.extract_one_page!.map((run) => run.peak_rss_sampled - run.baseline_rss)),
    ),
    raw: runs,
  };
  mkdirSync(values.out, { recursive: true });
  writeFileSync(path.join(values.out, 'pdf-ingest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const row = (name: string, item: ReturnType<typeof summary>) =>
    `| ${name} | ${item.seconds} | ${item.baseline_rss_mib} | ${item.peak_rss_sampled_mib} | **${item.peak_minus_baseline_mib}** | ${item.vm_hwm_before_mib} | ${item.vm_hwm_after_mib} | ${item.vm_hwm_minus_baseline_mib} |`;
  const uploadGrowth = uploadSizes
    .map(
      (mebibytes) =>
        `${mebibytes} MiB → ${summaries[`upload_${mebibytes}_mib`]!.peak_minus_baseline_mib} MiB`,
    )
    .join(', ');
  const markdown = [
    `# Large PDF ingestion memory — ${pages} pages`,
    '',
    `Commit ${commit}, ${report.date}, ${report.cpu}, Node ${process.version}. Command: \`${report.command}\`.`,
    '',
    `A ${pages}-page text PDF generated with pdf-lib (\`makePdf\` from test/helpers/documents.ts: Helvetica 12 pt,`,
    `${linesPerPage} lines a page of SciFact text, a paragraph gap every 8 lines): **${report.pdf.mib} MiB**.`,
    "Extraction = the product's `extractDocument(path, 'pdf', limits)` (worker thread, heap cap",
    `${config.documents.extractionMemoryMb} MiB; run from TypeScript sources, so the worker also loads tsx) followed by`,
    '`chunkDocument`; upload = `createFileStore(dir).receive(createReadStream(path), maxBytes)`. Each row is the',
    `median of ${rounds} runs, each in a fresh \`node --expose-gc\` process: baseline = RSS after imports and a GC,`,
    'before the operation; peak = RSS sampled every 20 ms over the whole process (main thread and workers);',
    'VmHWM = /proc/self/status high-water mark (it includes start-up, so it only shows growth above that).',
    '',
    `Extracted: ${report.extracted.pages} pages, ${report.extracted.text_chars} characters, **${report.extracted.chunks} chunks**`,
    `(chunking ${report.extracted.chunk_seconds} s).`,
    '',
    '| operation | seconds | baseline RSS MiB | peak RSS MiB | peak − baseline MiB | VmHWM before MiB | VmHWM after MiB | VmHWM − baseline MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row('extract a 1-page PDF + chunk (fixed cost: worker, parser)', summaries.extract_one_page!),
    row(`extract the ${pages}-page PDF (${report.pdf.mib} MiB) + chunk`, summaries.extract!),
    row(`upload stream, the ${pages}-page PDF`, summaries.upload_pdf!),
    ...uploadSizes.map((mebibytes) =>
      row(`upload stream, ${mebibytes} MiB file`, summaries[`upload_${mebibytes}_mib`]!),
    ),
    '',
    `Extraction growth that depends on the document (${pages} pages minus 1 page, sampled peaks): **${report.size_dependent_extraction_growth_mib} MiB**.`,
    `Upload growth does not scale with the file (${uploadGrowth}): the file store streams through a hash into a`,
    'temporary file and keeps only the first 8 KiB; the plateau is consistent with 64 KiB read buffers awaiting',
    "V8's external-memory garbage collection, not with buffering the file.",
    '',
  ].join('\n');
  writeFileSync(path.join(values.out, 'pdf-ingest.md'), markdown);
  console.log(markdown);
}
