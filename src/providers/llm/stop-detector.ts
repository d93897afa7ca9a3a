import { partialSuffix } from './reasoning-splitter.js';

/**
 * Finds stop strings in streamed text. Text that might be the start of a stop string is held back
 * until it is certain, so a stop string never leaks into the answer.
 */
export class StopDetector {
  private held = '';
  private stopped = false;

  constructor(private readonly stops: readonly string[]) {}

  /** Whether a stop string was seen. */
  get triggered(): boolean {
    return this.stopped;
  }

  /** Consumes a delta; returns the text safe to emit. After a stop, returns ''. */
  push(delta: string): string {
    if (this.stopped) return '';
    this.held += delta;
    let cut = -1;
    for (const stop of this.stops) {
      const index = this.held.indexOf(stop);
      if (index >= 0 && (cut < 0 || index < cut)) cut = index;
    }
    if (cut >= 0) {
      this.stopped = true;
      const emit = this.held.slice(0, cut);
      this.held = '';
      return emit;
    }
    const keep = Math.max(0, ...this.stops.map((stop) => partialSuffix(this.held, stop)));
    const emit = this.held.slice(0, this.held.length - keep);
    this.held = this.held.slice(emit.length);
    return emit;
  }

  /** Returns held-back text once the stream ends without a stop. */
  flush(): string {
    const rest = this.stopped ? '' : this.held;
    this.held = '';
    return rest;
  }
}
