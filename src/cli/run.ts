/**
 * The CLI entry point the tests call: `run(argv, io) → exit code`. No process.exit, no direct
 * console use; main.ts binds it to the real process.
 *
 * Start-up time counts (a scan of one small bundle is mostly start-up): this module defines the
 * command line and imports only what that needs. Each command loads the rest when it runs —
 * the scanner, the batch (SQLite, worker pool), diff, the policy language (YAML), the batch
 * outputs, inspect, and only the report encoder asked for (report/formats.ts).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { ZipLimits } from '../archive/zip.js';
import { BatchUsageError, DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S, defaultWorkers } from '../batch/options.js';
import { OutputFormatError } from '../batch/sink.js';
import type { ConfidenceLevel } from '../batch/stats.js';
import { TrackscanError } from '../errors.js';
import { FORMAT_NAMES, getFormat } from '../report/formats.js';
import type { Report } from '../report/model.js';
import type { Policy, PolicyResult } from '../report/policy.js';
import type { Scanner } from '../scan.js';
import { loadSignatures, loadSignaturesWithUserDirs } from '../signatures/load.js';
import type { SignatureDatabase } from '../signatures/types.js';
import { registerSignatureCommands } from './signatures.js';
import { TOOL_VERSION } from '../version.js';
import { EXIT_INPUT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, exitCode } from './exit-codes.js';

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
  /** stops a batch as Ctrl-C does; without it a batch listens for SIGINT on the process */
  signal?: AbortSignal;
}

export async function run(argv: string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('trackscan')
    .description('Find tracking SDKs and sensitive data access in Android and iOS app bundles, offline.')
    .version(TOOL_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run `trackscan --help` for usage)');

  const scan = program
    .command('scan')
    .description('scan app bundles for tracking SDKs and what each app can access: one bundle (a report), or folders and lists of bundles (a batch)')
    .argument('[inputs...]', 'an .apk, .ipa, zipped .app or .app folder; or several bundles and folders (scanned recursively) for a batch')
    .addOption(
      new Option('-f, --format <format>', `output format: ${FORMAT_NAMES.join(', ')} for one bundle; ndjson or csv for a batch`)
        .choices([...FORMAT_NAMES, 'markdown', 'txt', 'ndjson', 'csv'])
        .default('text'),
    )
    .option('--fail-on <rules>', 'policy: exit 1 when the report matches any rule, e.g. "tracker:advertising,capability:contacts" (repeatable; see README, "Policy")', collect, [])
    .option('--policy <file>', 'policy: a policy file, JSON or YAML (.yml): failOn, minConfidence, allow')
    .option('--signatures <dir>', 'add a folder of your own signatures (validated first; repeatable)', collect, [])
    .option('--max-inflate <MiB>', 'limit: bytes inflated per bundle, all entries together (zip bombs; default 8192)')
    .option('--max-entry <MiB>', 'limit: bytes inflated for one entry (default 1024)')
    .option('-o, --output <file>', 'write to a file instead of stdout (a batch appends to it and resumes)')
    .option('-v, --verbose', 'text: list every permission, host name and warning')
    .option('--no-color', 'text: no colour even on a terminal')
    .option('--timing', 'json: add a timing block (milliseconds per phase); the output is then not deterministic')
    .option('--debug', 'on failure, print the stack trace too')
    .option('--list <file>', 'batch: also scan the paths listed in this file, one per line')
    .option('--db <file>', 'batch: write the results to this SQLite database (resumes when it exists)')
    .option('-w, --workers <n>', 'batch: worker threads scanning in parallel (default: the number of cores)')
    .option('--timeout <seconds>', `batch: give up on a bundle after this long (default ${DEFAULT_TIMEOUT_S})`)
    .option('--max-memory <MiB>', `batch: heap limit of each worker; a bundle that needs more fails (default ${DEFAULT_MAX_MEMORY_MB})`)
    .option('--shard <i/n>', 'batch: scan only shard i of n (0 <= i < n), assigned by SHA-256')
    .option('--retry-failed', 'batch: scan again the files the output records as failed')
    .addOption(new Option('--min-confidence <level>', 'batch summary: lowest confidence that counts as presence').choices(['high', 'medium', 'low']).default('medium'))
    .option('-q, --quiet', 'batch: no progress, no per-file error lines, no summary');
  scan.action(async (inputs: string[], opts: ScanCliOptions) => {
    if (inputs.length === 0 && opts.list === undefined) {
      io.stderr("trackscan: scan needs a bundle, a folder or --list <file>\n(run `trackscan --help` for usage)\n");
      code = EXIT_USAGE;
      return;
    }
    const batchOnly = ['list', 'db', 'workers', 'timeout', 'maxMemory', 'shard', 'retryFailed', 'quiet'] as const;
    const isBatch =
      inputs.length > 1 || opts.format === 'ndjson' || opts.format === 'csv' || batchOnly.some((k) => opts[k] !== undefined) || isDirectory(inputs[0]);
    if (isBatch) {
      code = await runBatchCommand(inputs, opts, scan.getOptionValueSource('format') === 'default', io);
      return;
    }
    const bundle = inputs[0];
    const { Scanner } = await import('../scan.js');
    let scanner: Scanner;
    let policy: PolicyCheck | undefined;
    try {
      scanner = new Scanner(opts.signatures.length ? loadSignaturesWithUserDirs(opts.signatures) : undefined);
      policy = await readPolicy(opts, scanner);
    } catch (e) {
      io.stderr(`trackscan: ${e instanceof TrackscanError ? describeError(e.file ?? '', e) : (e as Error).message}\n`);
      code = EXIT_USAGE;
      return;
    }
    let limits: Partial<ZipLimits> | undefined;
    try {
      limits = limitsOf(opts);
    } catch (e) {
      io.stderr(`trackscan: ${(e as Error).message}\n`);
      code = EXIT_USAGE;
      return;
    }
    try {
      const work = () => scanner.scanFile(bundle, { timing: opts.timing, ...(limits ? { limits } : {}) });
      const report = io.progress && !opts.output ? await io.progress(`Scanning ${bundle}`, work) : work();
      const toTerminal = !opts.output && io.stdoutIsTTY === true;
      const encode = await getFormat(opts.format)!.load();
      const text = encode(report, { verbose: opts.verbose, color: opts.color && toTerminal && !io.env?.NO_COLOR });
      if (opts.output) writeFileSync(opts.output, text);
      else io.stdout(text);
      code = EXIT_OK;
      if (policy) {
        const result = policy(report);
        io.stderr(result.verdict);
        code = exitCode({ policyFailed: !result.passed });
      }
    } catch (e) {
      io.stderr(`trackscan: ${describeError(bundle, e)}\n`);
      if (opts.debug && e instanceof Error && e.stack) io.stderr(e.stack + '\n');
      code = EXIT_INPUT_FAILED;
    }
  });

  program
    .command('diff')
    .description('what changed between two versions of an app: trackers, permissions, capabilities, hosts, signer, privacy manifests')
    .argument('<old>', 'a bundle, or a JSON report saved with `scan --format json`')
    .argument('<new>', 'a bundle, or a JSON report')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'md', 'json']).default('text'))
    .action(async (oldPath: string, newPath: string, opts: { format: 'text' | 'md' | 'json' }) => {
      const { diffReports, looksLikeJson, parseSavedReport, renderDiffJson, renderDiffMarkdown, renderDiffText } = await import('../report/diff.js');
      let scanner: Scanner | undefined;
      const load = async (p: string): Promise<Report> => {
        const bytes = readFileSync(p);
        if (looksLikeJson(bytes)) return parseSavedReport(bytes.toString('utf8'));
        if (!scanner) {
          const { Scanner } = await import('../scan.js');
          scanner = new Scanner();
        }
        return scanner.scanFile(p);
      };
      let current = oldPath;
      try {
        const a = await load(oldPath);
        current = newPath;
        const b = await load(newPath);
        const d = diffReports(a, b);
        io.stdout(opts.format === 'json' ? renderDiffJson(d) : opts.format === 'md' ? renderDiffMarkdown(d) : renderDiffText(d));
        code = EXIT_OK;
      } catch (e) {
        io.stderr(`trackscan: ${describeError(current, e)}\n`);
        code = EXIT_INPUT_FAILED;
      }
    });

  registerSignatureCommands(program, io, (c) => (code = c));

  program
    .command('stats')
    .description('prevalence statistics of batch results: apps, failures by reason, trackers and categories per platform')
    .argument('<results>', 'an NDJSON output or an SQLite database written by `trackscan scan`')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--min-confidence <level>', 'lowest confidence that counts as presence').choices(['high', 'medium', 'low']).default('medium'))
    .action(async (results: string, opts: { format: 'text' | 'json'; minConfidence: ConfidenceLevel }) => {
      const { renderStats, statsOf } = await import('./results.js');
      try {
        const stats = statsOf(results, opts.minConfidence);
        io.stdout(opts.format === 'json' ? JSON.stringify(stats, null, 2) + '\n' : renderStats(stats));
        code = EXIT_OK;
      } catch (e) {
        code = outputProblem(io, e);
      }
    });

  program
    .command('merge')
    .description('merge batch outputs (NDJSON or SQLite shards) into one: each file once, each SHA-256 scanned once')
    .argument('<inputs...>', 'NDJSON outputs or SQLite databases written by `trackscan scan`')
    .addOption(new Option('-f, --format <format>', 'format of -o').choices(['ndjson', 'csv']).default('ndjson'))
    .option('-o, --output <file>', 'write the merged results to this file (appends when it exists)')
    .option('--db <file>', 'write the merged results to this SQLite database')
    .action(async (inputs: string[], opts: { format: 'ndjson' | 'csv'; output?: string; db?: string }) => {
      const { mergeOutputs } = await import('./results.js');
      try {
        mergeOutputs(inputs, opts, io.stdout);
        code = EXIT_OK;
      } catch (e) {
        code = outputProblem(io, e);
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
    .action(async (bundle: string, opts: { warnings?: boolean }) => {
      code = (await import('./inspect.js')).inspectManifest(bundle, opts.warnings === true, io);
    });

  inspect
    .command('classes')
    .description('print every class defined in every classes*.dex, one per line, Java dotted form, sorted')
    .argument('<bundle>', 'an .apk file')
    .option('--warnings', 'also print unreadable or unusual DEX files on stderr')
    .option('--hidden', 'also print the classes of code hidden in other entries (a plugin APK, a JAR, a raw DEX under another name)')
    .action(async (bundle: string, opts: { warnings?: boolean; hidden?: boolean }) => {
      code = (await import('./inspect.js')).inspectClasses(bundle, opts.warnings === true, io, opts.hidden === true);
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

/** --max-inflate / --max-entry (MiB) as archive limits; undefined when neither is given. */
function limitsOf(opts: ScanCliOptions): Partial<ZipLimits> | undefined {
  const mib = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new BatchUsageError(`${name} takes a positive number of MiB, not ${JSON.stringify(v)}`);
    return Math.floor(n * 1024 * 1024);
  };
  const total = mib('--max-inflate', opts.maxInflate);
  const entry = mib('--max-entry', opts.maxEntry);
  if (total === undefined && entry === undefined) return undefined;
  return { ...(total !== undefined ? { maxTotalInflated: total } : {}), ...(entry !== undefined ? { maxEntrySize: entry } : {}) };
}

/** Commander collector for repeatable options. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A policy's verdict on a report, and that verdict as printed. */
type PolicyCheck = (report: Report) => PolicyResult & { verdict: string };

/**
 * The policy from --fail-on and --policy, as a check of a report that also formats the verdict;
 * undefined when neither is given. Throws PolicyError (usage).
 */
async function readPolicy(opts: ScanCliOptions, scanner: Scanner): Promise<PolicyCheck | undefined> {
  const policy = await readPolicyRules(opts, scanner.db);
  if (!policy) return undefined;
  const { evaluatePolicy, formatPolicyResult } = await import('../report/policy.js');
  return (report) => {
    const result = evaluatePolicy(policy, report);
    return { ...result, verdict: formatPolicyResult(result) };
  };
}

/** The policy of --fail-on and --policy, checked against the tracker ids of `db`; undefined when neither is given. */
async function readPolicyRules(opts: ScanCliOptions, db: Pick<SignatureDatabase, 'sdks'>): Promise<Policy | undefined> {
  if (!opts.failOn.length && !opts.policy) return undefined;
  const { EMPTY_POLICY, PolicyError, mergePolicies, parsePolicy, parsePolicyFile } = await import('../report/policy.js');
  const parseOptions = { knownTrackers: new Set(db.sdks.map((s) => s.id)) };
  let policy = opts.failOn.length ? parsePolicy(opts.failOn, parseOptions) : EMPTY_POLICY;
  if (opts.policy) {
    let text: string;
    try {
      text = readFileSync(opts.policy, 'utf8');
    } catch (e) {
      throw new PolicyError(`cannot read the policy file ${opts.policy}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    policy = mergePolicies(policy, parsePolicyFile(text, parseOptions, /\.ya?ml$/i.test(opts.policy) ? 'yaml' : 'json'));
  }
  return policy;
}

interface ScanCliOptions {
  format: string;
  failOn: string[];
  policy?: string;
  signatures: string[];
  maxInflate?: string;
  maxEntry?: string;
  output?: string;
  verbose?: boolean;
  color: boolean;
  timing?: boolean;
  debug?: boolean;
  list?: string;
  db?: string;
  workers?: string;
  timeout?: string;
  maxMemory?: string;
  shard?: string;
  retryFailed?: boolean;
  minConfidence: ConfidenceLevel;
  quiet?: boolean;
}

function isDirectory(p: string | undefined): boolean {
  try {
    return p !== undefined && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `trackscan scan` on several bundles or folders: the batch (src/batch/). */
async function runBatchCommand(inputs: string[], opts: ScanCliOptions, formatDefaulted: boolean, io: Io): Promise<number> {
  const usage = (msg: string) => {
    io.stderr(`trackscan: ${msg}\n`);
    return EXIT_USAGE;
  };
  if (!formatDefaulted && opts.format !== 'ndjson' && opts.format !== 'csv') {
    return usage(`--format ${opts.format} is for one bundle; a batch writes ndjson (one report per line), csv, or SQLite (--db)`);
  }
  // the database and the policy are checked once, here; the workers get them validated
  let signatures: SignatureDatabase;
  let policy: Policy | undefined;
  try {
    signatures = opts.signatures.length ? loadSignaturesWithUserDirs(opts.signatures) : loadSignatures();
    policy = await readPolicyRules(opts, signatures);
  } catch (e) {
    return usage(e instanceof TrackscanError ? describeError(e.file ?? '', e) : (e as Error).message);
  }
  const format = opts.format === 'csv' ? 'csv' : 'ndjson';
  const positive = (name: string, v: string | undefined, integer: boolean): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new BatchUsageError(`${name} must be a positive ${integer ? 'integer' : 'number'}, not ${JSON.stringify(v)}`);
    return n;
  };
  let shard: { index: number; count: number } | undefined;
  let workers: number | undefined;
  let timeoutS: number | undefined;
  let maxMemoryMb: number | undefined;
  try {
    if (opts.shard !== undefined) {
      const m = /^(\d+)\/(\d+)$/.exec(opts.shard);
      if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new BatchUsageError(`--shard takes i/n with 0 <= i < n (e.g. 0/4), not ${JSON.stringify(opts.shard)}`);
      shard = { index: Number(m[1]), count: Number(m[2]) };
    }
    workers = positive('--workers', opts.workers, true);
    timeoutS = positive('--timeout', opts.timeout, false);
    maxMemoryMb = positive('--max-memory', opts.maxMemory, true);
  } catch (e) {
    return usage((e as Error).message);
  }
  let limits: Partial<ZipLimits> | undefined;
  try {
    limits = limitsOf(opts);
  } catch (e) {
    return usage((e as Error).message);
  }
  const nWorkers = workers ?? defaultWorkers();
  const { renderBatchSummary, runBatch } = await import('../batch/batch.js');
  try {
    const result = await runBatch(
      {
        inputs,
        list: opts.list,
        format,
        output: opts.output,
        db: opts.db,
        workers: nWorkers,
        timeoutMs: timeoutS !== undefined ? timeoutS * 1000 : undefined,
        maxMemoryMb,
        shard,
        retryFailed: opts.retryFailed,
        quiet: opts.quiet,
        timing: opts.timing,
        ...(limits ? { limits } : {}),
        minConfidence: opts.minConfidence,
        signatures,
        ...(policy ? { policy } : {}),
      },
      { stdout: io.stdout, stderr: io.stderr, stderrIsTTY: io.stderrIsTTY, signal: io.signal },
    );
    if (!opts.quiet) io.stderr(renderBatchSummary(result, nWorkers));
    if (result.interrupted) return EXIT_INTERRUPTED;
    return exitCode({ inputsFailed: result.stats.failed, policyFailed: (result.policy?.matched.length ?? 0) > 0 });
  } catch (e) {
    return outputProblem(io, e);
  }
}

/** A bad batch command line or an output that is not ours: one line, exit code 2. */
function outputProblem(io: Io, e: unknown): number {
  if (e instanceof BatchUsageError || e instanceof OutputFormatError) {
    io.stderr(`trackscan: ${e.message}\n`);
    return EXIT_USAGE;
  }
  throw e;
}

/** One line naming the file and the problem; an unexpected error is labelled as a trackscan bug. */
export function describeError(path: string, e: unknown): string {
  if (e instanceof TrackscanError) return `${e.file ?? path}: ${e.message}`;
  const err = e as Error;
  return `${path}: internal error (${err?.name ?? 'Error'}: ${err?.message ?? String(e)}); please report it with the file if you can share it`;
}
