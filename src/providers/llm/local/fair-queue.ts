import { LRUCache } from 'lru-cache';

/** One waiting entry and whose it is. */
interface Entry<T> {
  readonly key: string;
  readonly item: T;
  readonly arrival: number;
}

/**
 * A wait queue that takes turns between keys (users) instead of serving first come, first served:
 * each key has its own FIFO, and the next item goes to the waiting key that was served longest ago
 * (a key never served goes first, ties in order of arrival). One user's burst therefore cannot push
 * another user's single request to the back: the other user is served next.
 */
export class FairQueue<T> {
  private readonly queues = new Map<string, Entry<T>[]>();
  /** When each key was last served; bounded, since only recent service matters for the order. */
  private readonly lastServed = new LRUCache<string, number>({ max: 10_000 });
  private clock = 0;
  private count = 0;

  /** Items waiting, over all keys. */
  get size(): number {
    return this.count;
  }

  /** Adds an item at the end of its key's FIFO. */
  push(key: string, item: T): void {
    const queue = this.queues.get(key) ?? [];
    queue.push({ key, item, arrival: ++this.clock });
    this.queues.set(key, queue);
    this.count += 1;
  }

  /** Takes the next item by turn, and records that its key was served. */
  shift(): T | undefined {
    let chosen: Entry<T>[] | undefined;
    for (const queue of this.queues.values()) {
      if (!chosen || this.before(queue[0]!, chosen[0]!)) chosen = queue;
    }
    const entry = chosen?.shift();
    if (!entry) return undefined;
    if (chosen!.length === 0) this.queues.delete(entry.key);
    this.count -= 1;
    this.served(entry.key);
    return entry.item;
  }

  /** Records that a key was served without waiting (it took a free slot at once). */
  served(key: string): void {
    this.lastServed.set(key, ++this.clock);
  }

  /** Removes an item (its request was aborted while waiting); false if it was not queued. */
  remove(key: string, item: T): boolean {
    const queue = this.queues.get(key);
    const index = queue?.findIndex((entry) => entry.item === item) ?? -1;
    if (!queue || index < 0) return false;
    queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(key);
    this.count -= 1;
    return true;
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    const servedA = this.lastServed.get(a.key) ?? 0;
    const servedB = this.lastServed.get(b.key) ?? 0;
    return servedA !== servedB ? servedA < servedB : a.arrival < b.arrival;
  }
}
