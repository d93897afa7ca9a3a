import type { DestinationStream } from 'pino';
import { PinoPretty } from 'pino-pretty';

/** LOG_FORMAT's values: `auto` is pretty on a terminal and JSON otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * Where pino writes: undefined keeps its default (one JSON object per line on stdout, for machines);
 * `pretty` formats each line for a person. pino-pretty runs in this process, synchronously (no
 * worker thread), so lines keep their order with the start-up banner and nothing is lost at exit.
 */
export function logDestination(
  format: LogFormat,
  isTerminal: boolean = process.stdout.isTTY === true,
): DestinationStream | undefined {
  if (format === 'json' || (format === 'auto' && !isTerminal)) return undefined;
  return PinoPretty({
    sync: true,
    colorize: isTerminal,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
  });
}
