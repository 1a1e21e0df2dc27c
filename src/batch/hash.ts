/** Hashing on the main thread, a few files at a time (I/O-bound), results in input order. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import pLimit from 'p-limit';

export type Hashed = { path: string; size: number; sha256: string } | { path: string; error: NodeJS.ErrnoException };

export async function hashFileAsync(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Hashes `paths` with at most `concurrency` reads in flight and yields the results in the order
 * of `paths` (so which copy of a duplicate is "first" does not depend on timing).
 */
export async function* hashInOrder(paths: readonly string[], concurrency = 4): AsyncGenerator<Hashed> {
  const limit = pLimit(concurrency);
  const window: Promise<Hashed>[] = [];
  const ahead = concurrency * 4;
  let next = 0;
  const start = (p: string) =>
    limit(async (): Promise<Hashed> => {
      try {
        return { path: p, ...(await hashFileAsync(p)) };
      } catch (e) {
        return { path: p, error: e as NodeJS.ErrnoException };
      }
    });
  while (next < paths.length || window.length) {
    while (next < paths.length && window.length < ahead) window.push(start(paths[next++]));
    yield await window.shift()!;
  }
}

/** Stable shard of a SHA-256 (hex): its first 64 bits modulo the shard count. */
export function shardOf(sha256: string, count: number): number {
  return Number(BigInt(`0x${sha256.slice(0, 16)}`) % BigInt(count));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
