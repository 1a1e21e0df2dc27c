/**
 * The CLI entry point the tests call: `run(argv, io) → exit code`. No process.exit, no direct
 * console use; main.ts binds it to the real process.
 */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ZipArchive } from '../archive/zip.js';
import { definedClassNames, readManifest } from '../bundle/android/entries.js';
import type { EntryWarning } from '../bundle/view.js';
import { TrackscanError } from '../errors.js';
import { renderAxmlAsXml } from '../formats/axml-xml.js';
import { renderJson } from '../report/json.js';
import { renderText } from '../report/text.js';
import { Scanner } from '../scan.js';
import { TOOL_VERSION } from '../version.js';
import { EXIT_INPUT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** whether stdout/stderr are terminals (colour, spinner); false when absent */
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** environment, for NO_COLOR */
  env?: Record<string, string | undefined>;
  /** shows progress on stderr while `work` runs; main.ts supplies an ora spinner on a TTY */
  progress?<T>(text: string, work: () => T): Promise<T>;
}

export async function run(argv: string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('trackscan')
    .description('Find tracking SDKs and sensitive data access in Android and iOS app bundles, offline.')
    .version(TOOL_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run `trackscan --help` for usage)');

  program
    .command('scan')
    .description('scan an app bundle for tracking SDKs and what the app can access')
    .argument('<bundle>', 'an .apk file')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-v, --verbose', 'text: list every permission, host name and warning')
    .option('--no-color', 'text: no colour even on a terminal')
    .option('--timing', 'json: add a timing block (milliseconds per phase); the output is then not deterministic')
    .option('--debug', 'on failure, print the stack trace too')
    .action(async (bundle: string, opts: { format: 'text' | 'json'; output?: string; verbose?: boolean; color: boolean; timing?: boolean; debug?: boolean }) => {
      try {
        const scanner = new Scanner();
        const work = () => scanner.scanFile(bundle, { timing: opts.timing });
        const report = io.progress && !opts.output ? await io.progress(`Scanning ${bundle}`, work) : work();
        const toTerminal = !opts.output && io.stdoutIsTTY === true;
        const text =
          opts.format === 'json'
            ? renderJson(report)
            : renderText(report, { verbose: opts.verbose, color: opts.color && toTerminal && !io.env?.NO_COLOR });
        if (opts.output) writeFileSync(opts.output, text);
        else io.stdout(text);
        code = EXIT_OK;
      } catch (e) {
        io.stderr(`trackscan: ${describeError(bundle, e)}\n`);
        if (opts.debug && e instanceof Error && e.stack) io.stderr(e.stack + '\n');
        code = EXIT_INPUT_FAILED;
      }
    });

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
