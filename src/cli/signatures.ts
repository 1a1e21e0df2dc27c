/**
 * `trackscan signatures …`: list, show, validate, stats and import the signature database.
 *
 *   registerSignatureCommands(program, io, setExitCode?) adds the `signatures` command group to
 *   the CLI program. Exit codes: 0 done; 1 `validate` found errors; 2 usage error; 3 a file or
 *   directory could not be read (or is not a signature database). Without `setExitCode`, the code
 *   of the last signatures command is kept for `signatureExitCode(program)`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { TrackscanError } from '../errors.js';
import { checkSignatures, hasAndroidOrIosEvidence, type Problem } from '../signatures/check.js';
import { convertExodus } from '../signatures/exodus.js';
import { DEFAULT_SIGNATURES_DIR, loadSignatures, ownerChain, readUserSignatures, validateDatabase } from '../signatures/load.js';
import { CATEGORIES, isTrackerCategories, type SdkSignature, type SignatureDatabase } from '../signatures/types.js';
import type { Io } from './run.js';

const EXIT_OK = 0;
const EXIT_INVALID = 1;
const EXIT_USAGE = 2;
const EXIT_UNREADABLE = 3;

const codes = new WeakMap<Command, number>();

/** The exit code of the last `signatures` command run on `program` (when no setExitCode was given). */
export function signatureExitCode(program: Command): number | undefined {
  return codes.get(program);
}

export type Platform = 'android' | 'ios';

export function platformsOf(s: SdkSignature): Platform[] {
  const out: Platform[] = [];
  const a = s.android ?? {};
  const i = s.ios ?? {};
  if ([a.packages, a.components, a.metaData, a.versionArtifacts, a.nativeLibraries, a.files].some((x) => x?.length)) out.push('android');
  if ([i.frameworks, i.bundleIds, i.classPrefixes, i.plistKeys, i.modules].some((x) => x?.length)) out.push('ios');
  return out;
}

export interface SignatureStats {
  version: string;
  sha256: string;
  entries: number;
  trackers: number;
  categories: Record<string, number>;
  platforms: { android: number; ios: number; both: number; domainsOnly: number };
  withIosEvidence: number;
  companies: number;
  withOwner: number;
  countries: Record<string, number>;
}

export function signatureStats(db: SignatureDatabase): SignatureStats {
  const categories: Record<string, number> = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  const countries: Record<string, number> = {};
  const platforms = { android: 0, ios: 0, both: 0, domainsOnly: 0 };
  let trackers = 0;
  let withOwner = 0;
  for (const s of db.sdks) {
    for (const c of s.categories) categories[c] = (categories[c] ?? 0) + 1;
    if (isTrackerCategories(s.categories)) trackers++;
    const p = platformsOf(s);
    if (p.includes('android')) platforms.android++;
    if (p.includes('ios')) platforms.ios++;
    if (p.length === 2) platforms.both++;
    if (!hasAndroidOrIosEvidence(s)) platforms.domainsOnly++;
    if (s.owners?.length) withOwner++;
    if (s.country) countries[s.country] = (countries[s.country] ?? 0) + 1;
  }
  return {
    version: db.version,
    sha256: db.sha256,
    entries: db.sdks.length,
    trackers,
    categories,
    platforms,
    withIosEvidence: platforms.ios,
    companies: Object.keys(db.companies).length,
    withOwner,
    countries: Object.fromEntries(Object.entries(countries).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
  };
}

/** Builds a program with only the signatures commands and runs it: what the tests call. */
export async function runSignatures(argv: string[], io: Io): Promise<number> {
  const program = new Command('trackscan')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  let code = EXIT_OK;
  registerSignatureCommands(program, io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw e;
  }
  return code;
}

export function registerSignatureCommands(program: Command, io: Io, setExitCode?: (code: number) => void): void {
  const done = (code: number) => {
    codes.set(program, code);
    setExitCode?.(code);
  };
  /** Runs a command body; a TrackscanError or file error becomes one line on stderr and exit 3. */
  const guard = (body: () => number) => {
    try {
      done(body());
    } catch (e) {
      if (e instanceof TrackscanError || (e as NodeJS.ErrnoException).code !== undefined || e instanceof SyntaxError) {
        io.stderr(`trackscan: ${e instanceof TrackscanError && e.file && !e.message.includes(path.basename(e.file)) ? `${e.file}: ` : ''}${(e as Error).message}\n`);
        done(EXIT_UNREADABLE);
      } else if (e instanceof UsageError) {
        io.stderr(`trackscan: ${e.message}\n`);
        done(EXIT_USAGE);
      } else throw e;
    }
  };

  const group = program
    .command('signatures')
    .description('the signature database: list, show, validate, stats, import')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  group
    .command('list')
    .description('list the SDKs in the database, one per line')
    .addOption(new Option('--category <category>', 'only SDKs of this category').choices([...CATEGORIES]))
    .addOption(new Option('--platform <platform>', 'only SDKs with evidence on this platform').choices(['android', 'ios']))
    .option('--json', 'print JSON (the entries as loaded, owners resolved)')
    .option('--signatures <dir...>', 'also load these user signature directories')
    .action((opts: { category?: string; platform?: Platform; json?: boolean; signatures?: string[] }) =>
      guard(() => {
        const db = loadSignatures(DEFAULT_SIGNATURES_DIR, opts.signatures ?? []);
        const sdks = db.sdks.filter((s) => (!opts.category || s.categories.includes(opts.category as never)) && (!opts.platform || platformsOf(s).includes(opts.platform)));
        if (opts.json) {
          io.stdout(JSON.stringify(sdks.map(publicEntry), null, 2) + '\n');
          return EXIT_OK;
        }
        const w = Math.max(2, ...sdks.map((s) => s.id.length));
        for (const s of sdks) {
          const plat = platformsOf(s).join('+') || 'domains';
          io.stdout(`${s.id.padEnd(w)}  ${s.name} — ${[s.vendor, s.country].filter(Boolean).join(', ')}  [${s.categories.join(', ')}; ${plat}]\n`);
        }
        io.stdout(`${sdks.length} of ${db.sdks.length} SDKs (database ${db.version})\n`);
        return EXIT_OK;
      }),
    );

  group
    .command('show')
    .description('print one SDK entry: evidence searched for, owners up to the parent company and country, sources')
    .argument('<id>', 'the SDK id (see `signatures list`)')
    .option('--json', 'print the entry as JSON')
    .option('--signatures <dir...>', 'also load these user signature directories')
    .action((id: string, opts: { json?: boolean; signatures?: string[] }) =>
      guard(() => {
        const db = loadSignatures(DEFAULT_SIGNATURES_DIR, opts.signatures ?? []);
        const s = db.sdks.find((x) => x.id === id);
        if (!s) {
          const near = db.sdks.filter((x) => x.id.includes(id) || x.name.toLowerCase().includes(id.toLowerCase())).map((x) => x.id);
          throw new UsageError(`no SDK with id ${id}${near.length ? ` (did you mean ${near.slice(0, 5).join(', ')}?)` : ''}`);
        }
        io.stdout(opts.json ? JSON.stringify(publicEntry(s), null, 2) + '\n' : renderEntry(s, db));
        return EXIT_OK;
      }),
    );

  group
    .command('validate')
    .description('validate a signature database, or a user signature directory against the default database (schema, collisions, owner graph, host names)')
    .argument('[dir]', 'a database folder (with database.json) or a user signature directory; default: the built-in database')
    .option('--json', 'print the problems as JSON')
    .action((dir: string | undefined, opts: { json?: boolean }) =>
      guard(() => {
        let problems: Problem[];
        let what: string;
        if (!dir || existsSync(path.join(dir, 'database.json'))) {
          // validated now, even the built-in database (a scan takes its prevalidated form)
          const db = validateDatabase(path.resolve(dir ?? DEFAULT_SIGNATURES_DIR));
          problems = checkSignatures(db.sdks, db.companies);
          what = `${db.sdks.length} entries, database ${db.version}`;
        } else {
          const user = readUserSignatures(path.resolve(dir));
          const merged = loadSignatures(DEFAULT_SIGNATURES_DIR, [dir]);
          const userIds = new Set(user.sdks.map((s) => s.id));
          const own = checkSignatures(merged.sdks.filter((s) => userIds.has(s.id)), merged.companies);
          const ownKeys = new Set(own.map((p) => `${p.id}\0${p.message}`));
          // problems between a user entry and the built-in database: the user entry wins where it
          // claims the same name (it is loaded last) — worth knowing, not an error
          const against = checkSignatures(merged.sdks, merged.companies)
            .filter((p) => !ownKeys.has(`${p.id}\0${p.message}`))
            .filter((p) => userIds.has(p.id) || [...userIds].some((u) => p.message.includes(u)))
            .map((p) => ({ ...p, level: 'warning' as const, message: `${p.message} (a built-in entry)` }));
          problems = [...own, ...against];
          what = `${user.sdks.length} user entries in ${dir}, checked against database ${loadSignatures().version}`;
        }
        const errors = problems.filter((p) => p.level === 'error');
        if (opts.json) io.stdout(JSON.stringify({ valid: errors.length === 0, problems }, null, 2) + '\n');
        else {
          for (const p of problems) io.stdout(`${p.level}: ${p.id}${p.file ? ` (${path.basename(p.file)})` : ''}: ${p.message}\n`);
          io.stdout(`${errors.length ? 'invalid' : 'valid'}: ${what}; ${errors.length} error${errors.length === 1 ? '' : 's'}, ${problems.length - errors.length} warning${problems.length - errors.length === 1 ? '' : 's'}\n`);
        }
        return errors.length ? EXIT_INVALID : EXIT_OK;
      }),
    );

  group
    .command('stats')
    .description('counts: entries, per category, per platform, with iOS evidence, owners and countries')
    .option('--json', 'print JSON')
    .option('--signatures <dir...>', 'also load these user signature directories')
    .action((opts: { json?: boolean; signatures?: string[] }) =>
      guard(() => {
        const st = signatureStats(loadSignatures(DEFAULT_SIGNATURES_DIR, opts.signatures ?? []));
        if (opts.json) {
          io.stdout(JSON.stringify(st, null, 2) + '\n');
          return EXIT_OK;
        }
        const lines = [
          `signature database ${st.version} (sha256 ${st.sha256.slice(0, 16)}…)`,
          `  entries             ${st.entries} (${st.trackers} trackers; consent platforms and libraries are not counted as trackers)`,
          `  Android evidence    ${st.platforms.android}`,
          `  iOS evidence        ${st.platforms.ios}`,
          `  both platforms      ${st.platforms.both}`,
          `  domains only        ${st.platforms.domainsOnly} (data destinations: never findings on their own)`,
          `  owner known         ${st.withOwner} (companies.json: ${st.companies} companies)`,
          '  categories',
          ...Object.entries(st.categories).map(([c, n]) => `    ${c.padEnd(16)} ${String(n).padStart(5)}`),
          '  countries (vendor headquarters)',
          ...Object.entries(st.countries).slice(0, 15).map(([c, n]) => `    ${c.padEnd(16)} ${String(n).padStart(5)}`),
        ];
        io.stdout(lines.join('\n') + '\n');
        return EXIT_OK;
      }),
    );

  group
    .command('import')
    .description('convert a tracker file in the Exodus Privacy API format into signature entries (regexes are read as text, never run)')
    .addOption(new Option('--from <format>', 'format of the file').choices(['exodus']).makeOptionMandatory())
    .argument('<file>', 'the JSON file ({"trackers": {"<id>": {name, code_signature, network_signature, website, categories}}})')
    .requiredOption('-o, --output <dir>', 'directory to write <dir>/sdks/<id>.json into (use it with `scan --signatures <dir>`)')
    .action((file: string, opts: { output: string }) =>
      guard(() => {
        const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        let result;
        try {
          result = convertExodus(data);
        } catch (e) {
          throw new TrackscanError('SIGNATURES_INVALID', (e as Error).message, { file });
        }
        const dir = path.join(opts.output, 'sdks');
        mkdirSync(dir, { recursive: true });
        for (const s of result.sdks) writeFileSync(path.join(dir, `${s.id}.json`), JSON.stringify(s, null, 2) + '\n');
        // the written directory must load; a problem here is a bug in the converter
        loadSignatures(DEFAULT_SIGNATURES_DIR, [opts.output]);
        for (const p of result.problems) io.stderr(`not converted: ${p.tracker}: ${p.value}: ${p.reason}\n`);
        io.stdout(`imported ${result.sdks.length} of ${result.trackers} trackers into ${dir}; ${result.problems.length} alternative${result.problems.length === 1 ? '' : 's'} not converted (listed on stderr)\n`);
        return EXIT_OK;
      }),
    );
}

class UsageError extends Error {}

/** The entry as the loader resolved it, without the loader's file path. */
function publicEntry(s: SdkSignature): Omit<SdkSignature, 'file'> {
  const { file: _file, ...rest } = s;
  return rest;
}

function renderEntry(s: SdkSignature, db: SignatureDatabase): string {
  const out: string[] = [];
  const line = (k: string, v: string | undefined) => v && out.push(`  ${k.padEnd(16)} ${v}`);
  out.push(`${s.name} (${s.id})`);
  line('categories', s.categories.join(', ') + (isTrackerCategories(s.categories) ? '' : '  (not counted as a tracker)'));
  const chain = s.company ? ownerChain(db.companies, s.company) : [];
  line('owner', chain.length ? chain.map((o) => `${o.name} (${o.country})`).join(' → ') : [s.vendor, s.parent, s.country].filter(Boolean).join(', '));
  line('description', s.description);
  line('website', s.website);
  line('within', s.within?.join(', '));
  const a = s.android ?? {};
  line('packages', a.packages?.join(', '));
  line('excludes', a.excludePackages?.join(', '));
  line('components', a.components?.join(', '));
  line('meta-data', a.metaData?.join(', '));
  line('version files', a.versionArtifacts?.join(', '));
  line('native libs', a.nativeLibraries?.join(', '));
  line('files', a.files?.join(', '));
  const i = s.ios ?? {};
  line('frameworks', i.frameworks?.join(', '));
  line('modules', i.modules?.join(', '));
  line('bundle ids', i.bundleIds?.join(', '));
  line('class prefixes', i.classPrefixes?.join(', '));
  line('Info.plist keys', i.plistKeys?.join(', '));
  if (s.domains?.length) line('domains', s.domains.join(', ') + (hasAndroidOrIosEvidence(s) ? '' : '  (hosts only: never a finding on its own)'));
  out.push('  sources');
  for (const u of s.sources) out.push(`    ${u}`);
  if (s.notes) line('notes', s.notes);
  return out.join('\n') + '\n';
}
