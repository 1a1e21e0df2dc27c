/**
 * A folder as a bundle (an `.app` folder, a folder of split APKs): the same read-only view as a
 * zip archive — list entries, read one — with the same limits. Symbolic links are not followed
 * (a hostile bundle must not make us read outside it), and the walk is bounded.
 */
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { TrackscanError } from '../errors.js';
import type { Anomaly } from '../formats/bytes.js';
import { DEFAULT_LIMITS, type ZipLimits } from './zip.js';

export interface FolderEntry {
  readonly name: string;
  readonly size: number;
  readonly isDirectory: boolean;
}

export class FolderArchive {
  readonly name: string;
  readonly entries: readonly FolderEntry[];
  readonly anomalies: Anomaly[] = [];
  readonly limits: ZipLimits;
  private readonly byName = new Map<string, FolderEntry>();
  private used = 0;

  constructor(
    private readonly root: string,
    limits: Partial<ZipLimits> = {},
  ) {
    this.name = root;
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    const entries: FolderEntry[] = [];
    const walk = (rel: string, depth: number) => {
      if (depth > 64) {
        this.anomalies.push({ code: 'folder-too-deep', message: `${rel}: nested deeper than 64 folders; not read` });
        return;
      }
      let names: string[];
      try {
        names = readdirSync(path.join(root, rel)).sort();
      } catch (e) {
        throw new TrackscanError('IO', `cannot list ${rel || '.'}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: root });
      }
      for (const n of names) {
        const r = rel ? `${rel}/${n}` : n;
        const st = lstatSync(path.join(root, r));
        if (st.isSymbolicLink()) {
          this.anomalies.push({ code: 'symlink-not-followed', message: `${r} is a symbolic link; not followed` });
          continue;
        }
        if (entries.length >= this.limits.maxEntries) {
          throw new TrackscanError('ARCHIVE_LIMIT', `more than ${this.limits.maxEntries} files`, { file: root });
        }
        if (st.isDirectory()) {
          entries.push({ name: r + '/', size: 0, isDirectory: true });
          walk(r, depth + 1);
        } else if (st.isFile()) {
          entries.push({ name: r, size: st.size, isDirectory: false });
        }
      }
    };
    walk('', 0);
    this.entries = entries;
    for (const e of entries) this.byName.set(e.name, e);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  read(name: string): Uint8Array {
    const e = this.byName.get(name);
    if (!e || e.isDirectory) throw new TrackscanError('ENTRY_NOT_FOUND', `no file ${JSON.stringify(name)}`, { file: this.name });
    const label = `${this.name}/${name}`;
    let fd: number | undefined;
    try {
      fd = openSync(path.join(this.root, name), 'r');
      const size = fstatSync(fd).size;
      if (size > this.limits.maxEntrySize) throw new TrackscanError('ARCHIVE_LIMIT', `${size} bytes exceeds the per-entry limit of ${this.limits.maxEntrySize}`, { file: label });
      if (this.used + size > this.limits.maxTotalInflated) throw new TrackscanError('ARCHIVE_LIMIT', `reading it exceeds the bundle's total limit of ${this.limits.maxTotalInflated} bytes`, { file: label });
      const buf = Buffer.allocUnsafe(size);
      let done = 0;
      while (done < size) {
        const n = readSync(fd, buf, done, size - done, done);
        if (n === 0) break;
        done += n;
      }
      this.used += done;
      return done === size ? buf : buf.subarray(0, done);
    } catch (e) {
      if (e instanceof TrackscanError) throw e;
      throw new TrackscanError('IO', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: label, cause: e });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  close(): void {}
}
