/** Line-oriented reading of append-only outputs (NDJSON, CSV) that a killed run may have torn. */
import { closeSync, ftruncateSync, openSync, readSync } from 'node:fs';

/**
 * Calls `onLine` for every complete line (without its `\n`), reading in 1 MiB chunks so a
 * multi-gigabyte output never sits in memory. Returns the byte length of the complete lines and
 * whether bytes follow the last newline (a line torn by a kill).
 */
export function forEachLine(file: string, onLine: (line: string, lineNo: number) => void): { completeBytes: number; torn: boolean } {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    let pos = 0;
    let completeBytes = 0;
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      let chunk: Buffer = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl < 0) break;
        lineNo++;
        const line = chunk.toString('utf8', start, nl);
        completeBytes += nl - start + 1;
        onLine(line.endsWith('\r') ? line.slice(0, -1) : line, lineNo);
        start = nl + 1;
      }
      carry = Buffer.from(chunk.subarray(start));
      chunk = carry;
    }
    return { completeBytes, torn: carry.length > 0 };
  } finally {
    closeSync(fd);
  }
}

/** Cuts a torn last line off (a kill mid-write); complete lines stay as they are. */
export function truncateTo(file: string, bytes: number): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}
