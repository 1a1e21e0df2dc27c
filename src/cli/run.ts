/**
 * The CLI entry point the tests call: `run(argv, io) → exit code`. No process.exit, no direct
 * console use; main.ts binds it to the real process.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ZipArchive } from '../archive/zip.js';
import { definedClassNames, readManifest } from '../bundle/android.js';
import type { EntryWarning } from '../bundle/view.js';
import { TrackscanError } from '../errors.js';
import { renderAxmlAsXml } from '../formats/axml-xml.js';
import { EXIT_INPUT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
export const TOOL_VERSION: string = pkg.version;

export async function run(argv: string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('trackscan')
    .description('Find tracking SDKs and sensitive data access in Android and iOS app bundles, offline.')
    .version(TOOL_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run `trackscan --help` for usage)');

  const inspect = program
    .command('inspect')
    .description('debugging views of what trackscan reads from a bundle')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  inspect
    .command('manifest')
    .description('print the decoded AndroidManifest.xml as XML, resource references resolved where resources.arsc has them')
    .argument('<bundle>', 'an .apk file')
    .option('--warnings', 'also print what was unusual about the manifest (anomalies) on stderr')
    .action((bundle: string, opts: { warnings?: boolean }) => {
      code = withBundle(bundle, io, (zip) => {
        const { manifest, resources, warnings } = readManifest(zip);
        const resolve = resources ? (id: number) => resources.resolveString(id) : undefined;
        io.stdout(renderAxmlAsXml(manifest, resolve));
        if (opts.warnings) printWarnings(io, bundle, [...zip.anomalies.map((a) => ({ entry: '(archive)', ...a })), ...warnings]);
      });
    });

  inspect
    .command('classes')
    .description('print every class defined in every classes*.dex, one per line, Java dotted form, sorted')
    .argument('<bundle>', 'an .apk file')
    .option('--warnings', 'also print unreadable or unusual DEX files on stderr')
    .action((bundle: string, opts: { warnings?: boolean }) => {
      code = withBundle(bundle, io, (zip) => {
        const { classes, warnings } = definedClassNames(zip);
        io.stdout(classes.length ? classes.join('\n') + '\n' : '');
        if (opts.warnings) printWarnings(io, bundle, warnings);
      });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit through here with code 0
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    throw e;
  }
  return code;
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

/** One line naming the file and the problem; an unexpected error is labelled as a trackscan bug. */
export function describeError(path: string, e: unknown): string {
  if (e instanceof TrackscanError) return `${e.file ?? path}: ${e.message}`;
  const err = e as Error;
  return `${path}: internal error (${err?.name ?? 'Error'}: ${err?.message ?? String(e)}); please report it with the file if you can share it`;
}

function printWarnings(io: Io, bundle: string, warnings: EntryWarning[]): void {
  for (const w of warnings) io.stderr(`trackscan: warning: ${bundle}!${w.entry}: [${w.code}] ${w.message}\n`);
}
