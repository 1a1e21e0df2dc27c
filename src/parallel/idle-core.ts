/**
 * Whether another core looks idle, for work that a second thread can overlap with a scan (the
 * input's hash, a large APK's DEX files). The one-minute load average counts this scan too, so a
 * core is idle while it stays below the number of cores less a half. On a machine whose other
 * cores are taken, a second thread only time-slices with the first and adds its own start-up:
 * measured on the bench machine (2 shared cores, load 3-5), the DEX worker made a large APK's scan
 * 1.3× slower and the hashing thread slowed the IPA's Mach-O reading 2× (bench/README.md).
 */
import { availableParallelism, loadavg } from 'node:os';

export function idleCore(): boolean {
  const cores = availableParallelism();
  return cores >= 2 && loadavg()[0] < cores - 0.5;
}
