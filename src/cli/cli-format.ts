import cliProgress from 'cli-progress';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Formats a byte count with binary units, e.g. `1.5 GiB` (whole numbers for plain bytes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${UNITS[unit] ?? 'B'}`;
}

/** Formats a header and rows as aligned columns two spaces apart, trailing spaces trimmed. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (cells: string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)].join('\n') + '\n';
}

/** A byte progress bar: feed it done/total bytes, then stop it. */
export interface ByteProgressBar {
  /** Starts the bar on the first call, then moves it; an unknown total shows as `?`. */
  update: (doneBytes: number, totalBytes: number | undefined) => void;
  /** Stops the bar; safe to call more than once. */
  stop: () => void;
}

const SPEED_WINDOW_MS = 5000;

/**
 * A cli-progress bar of bytes and ETA, plus speed over the last 5 s when `showSpeed`;
 * cli-progress stays silent when stderr is not a terminal.
 */
export function createByteProgressBar(options: { showSpeed?: boolean } = {}): ByteProgressBar {
  const showSpeed = options.showSpeed ?? false;
  const bar = new cliProgress.SingleBar({
    format: showSpeed
      ? ' {bar} {percentage}% | {doneText} / {totalText} | {speed} | ETA {eta_formatted}'
      : ' {bar} {percentage}% | {doneText} / {totalText} | ETA {eta_formatted}',
    hideCursor: true,
    ...(showSpeed ? { etaBuffer: 100 } : {}),
    fps: 5,
  });
  const samples: { at: number; bytes: number }[] = [];
  let started = false;
  const speedText = (doneBytes: number): string => {
    const now = Date.now();
    samples.push({ at: now, bytes: doneBytes });
    while (samples.length > 2 && (samples[0]?.at ?? now) < now - SPEED_WINDOW_MS) samples.shift();
    const first = samples[0] ?? { at: now, bytes: doneBytes };
    const seconds = (now - first.at) / 1000;
    return seconds > 0 ? `${formatBytes((doneBytes - first.bytes) / seconds)}/s` : '…';
  };
  const update = (doneBytes: number, totalBytes: number | undefined): void => {
    const payload = {
      doneText: formatBytes(doneBytes),
      totalText: totalBytes === undefined ? '?' : formatBytes(totalBytes),
      ...(showSpeed ? { speed: speedText(doneBytes) } : {}),
    };
    if (!started) bar.start(totalBytes ?? 0, doneBytes, payload);
    else bar.update(doneBytes, payload);
    started = true;
  };
  return { update, stop: () => bar.stop() };
}
