/**
 * `trackscan inspect manifest|classes`: debugging views of what trackscan reads from an APK, in
 * a module of its own so that run.ts loads it (and the manifest-to-XML printer) only for them.
 * Each returns the exit code: 0, or 3 when the bundle cannot be read (one line on stderr).
 */
import { ZipArchive } from '../archive/zip.js';
import { findEmbeddedCode } from '../bundle/android/embedded.js';
import { compareCodeUnits, definedClassNames, readManifest } from '../bundle/android/entries.js';
import type { EntryWarning } from '../bundle/view.js';
import { anomalyWarnings, entryFailure } from '../evidence/warnings.js';
import { descriptorToJavaName, parseDex } from '../formats/dex.js';
import { renderAxmlAsXml } from '../formats/axml-xml.js';
import { EXIT_INPUT_FAILED, EXIT_OK } from './exit-codes.js';
import { describeError, type Io } from './run.js';

/** The decoded AndroidManifest.xml as XML, resource references resolved where resources.arsc has them. */
export function inspectManifest(bundle: string, warnings: boolean, io: Io): number {
  return withBundle(bundle, io, (zip) => {
    const { manifest, resources, warnings: found } = readManifest(zip);
    const resolve = resources ? (id: number) => resources.resolveString(id) : undefined;
    io.stdout(renderAxmlAsXml(manifest, resolve));
    if (warnings) printWarnings(io, bundle, [...zip.anomalies.map((a) => ({ entry: '(archive)', ...a })), ...found]);
  });
}

/**
 * Every class defined in every classes*.dex, one per line, Java dotted form, sorted, unique. With
 * `hidden`, also the classes of code hidden in other entries (a plugin APK, a JAR, a raw DEX under
 * another name), found as the scan's DEX collector finds it (embedded.ts `findEmbeddedCode`).
 */
export function inspectClasses(bundle: string, warnings: boolean, io: Io, hidden = false): number {
  return withBundle(bundle, io, (zip) => {
    const { classes, warnings: found } = definedClassNames(zip);
    const all = hidden ? [...new Set([...classes, ...hiddenClassNames(zip, found)])].sort(compareCodeUnits) : classes;
    io.stdout(all.length ? all.join('\n') + '\n' : '');
    if (warnings) printWarnings(io, bundle, found);
  });
}

/** Classes defined in the DEX files hidden in the bundle's other entries; unreadable ones become warnings. */
function hiddenClassNames(zip: ZipArchive, warnings: EntryWarning[]): string[] {
  const names: string[] = [];
  findEmbeddedCode(zip, {
    dex(entry, bytes) {
      try {
        const dex = parseDex(bytes);
        const descriptors = dex.definedClassDescriptors();
        for (const d of descriptors) names.push(descriptorToJavaName(d));
        warnings.push(...anomalyWarnings(entry, dex.anomalies));
        return descriptors;
      } catch (e) {
        warnings.push(entryFailure(entry, e));
        return [];
      }
    },
    warn: (w) => warnings.push({ entry: w.entry ?? '(archive)', code: w.code, message: w.message }),
  });
  return names;
}

/** Opens a bundle, runs `fn`, and turns any failure into one line on stderr and exit code 3. */
function withBundle(path: string, io: Io, fn: (zip: ZipArchive) => void): number {
  let zip: ZipArchive | undefined;
  try {
    zip = ZipArchive.openFile(path);
    fn(zip);
    return EXIT_OK;
  } catch (e) {
    io.stderr(`trackscan: ${describeError(path, e)}\n`);
    return EXIT_INPUT_FAILED;
  } finally {
    zip?.close();
  }
}

function printWarnings(io: Io, bundle: string, warnings: EntryWarning[]): void {
  for (const w of warnings) io.stderr(`trackscan: warning: ${bundle}!${w.entry}: [${w.code}] ${w.message}\n`);
}
