import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrackscanError } from '../../src/errors.js';
import { loadAttributionData, readAttributionData } from '../../src/signatures/attribution-data.js';
import { newAjv } from '../../src/signatures/ajv.js';
import { BUILTIN_FILE, VALIDATORS_FILE, prebuiltValidators, prevalidated, readCompiled, readValidators, sourcesDigest } from '../../src/signatures/builtin.js';
import { compileDatabase, standaloneValidators } from '../../src/signatures/compile.js';
import { DEFAULT_SIGNATURES_DIR, loadSignatures, readDatabase, validateDatabase } from '../../src/signatures/load.js';

/** A copy of the built-in database and a compiled file for it, in a new temporary folder. */
function compiledCopy(): { dir: string; file: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'ts-builtin-'));
  const dir = path.join(root, 'signatures');
  cpSync(DEFAULT_SIGNATURES_DIR, dir, { recursive: true });
  const file = path.join(root, 'builtin.json');
  compileDatabase(dir, file);
  return { dir, file };
}

/** Rewrites the compiled file's payload and, when `rehash`, its header's payload hash to match. */
function editPayload(file: string, edit: (payload: string) => string, rehash: boolean): void {
  const text = readFileSync(file, 'utf8');
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, nl)) as { payload: string };
  const payload = edit(text.slice(nl + 1));
  if (rehash) header.payload = createHash('sha256').update(payload).digest('hex');
  writeFileSync(file, `${JSON.stringify(header)}\n${payload}`);
}

const entryFile = (dir: string) => path.join(dir, 'sdks', 'appsflyer.json');

describe('the prevalidated built-in database', () => {
  it('loads the same entries, owners, data, version and SHA-256 as the validating load', () => {
    const { dir, file } = compiledCopy();
    const compiled = readCompiled(file, dir);
    expect(compiled).toBeDefined();
    const validated = validateDatabase(dir);
    // byte for byte, key order included: reports and `signatures list --json` print these objects
    expect(JSON.stringify(compiled!.database)).toBe(JSON.stringify(validated));
    expect(compiled!.database.sdks[0].file).toBe(path.join(dir, 'sdks', `${compiled!.database.sdks[0].id}.json`));
    expect(JSON.stringify(compiled!.attribution)).toBe(JSON.stringify(readAttributionData(dir, validated.permissions)));
    // the report's database version and hash are those of the built-in database
    const builtin = loadSignatures();
    expect([compiled!.database.version, compiled!.database.sha256, compiled!.database.sdks.length]).toEqual([builtin.version, builtin.sha256, builtin.sdks.length]);
  });

  it('is what the loader takes while it is fresh', () => {
    const { dir, file } = compiledCopy();
    // a marker only the compiled file holds (a well-formed edit, hashes updated) shows which was read
    editPayload(file, (p) => p.replace('"version":"', '"version":"compiled-'), true);
    expect(readDatabase(dir, file).version).toMatch(/^compiled-/);
    expect(readDatabase(dir).version).not.toMatch(/^compiled-/);
  });

  it('is not used once a database file changes: the folder is validated again', () => {
    const { dir, file } = compiledCopy();
    editPayload(file, (p) => p.replace('"version":"', '"version":"compiled-'), true);
    const entry = JSON.parse(readFileSync(entryFile(dir), 'utf8')) as { description: string };
    writeFileSync(entryFile(dir), JSON.stringify({ ...entry, description: 'Edited after the build.' }, null, 2));
    expect(readCompiled(file, dir)).toBeUndefined();
    const db = readDatabase(dir, file);
    expect(db.version).not.toMatch(/^compiled-/);
    expect(db.sdks.find((s) => s.id === 'appsflyer')?.description).toBe('Edited after the build.');

    // and an invalid edit is refused as it would be without any compiled file
    writeFileSync(entryFile(dir), JSON.stringify({ ...entry, categories: ['not-a-category'] }));
    expect(() => readDatabase(dir, file)).toThrow(TrackscanError);
    expect(() => readDatabase(dir, file)).toThrow(expect.objectContaining({ file: entryFile(dir), message: expect.stringMatching(/^invalid signature: /) }));
  });

  it('is not used when an entry file is added, removed or a schema changes', () => {
    for (const change of [
      (dir: string) => writeFileSync(path.join(dir, 'sdks', 'zz-new.json'), '{}'),
      (dir: string) => rmSync(entryFile(dir)),
      (dir: string) => writeFileSync(path.join(dir, 'schema', 'sdk.schema.json'), readFileSync(path.join(dir, 'schema', 'sdk.schema.json'), 'utf8') + '\n'),
      (dir: string) => writeFileSync(path.join(dir, 'packers.json'), readFileSync(path.join(dir, 'packers.json'), 'utf8') + ' '),
    ]) {
      const { dir, file } = compiledCopy();
      change(dir);
      expect(readCompiled(file, dir), String(change)).toBeUndefined();
    }
  });

  it('is not used when missing, damaged or tampered with', () => {
    const { dir, file } = compiledCopy();
    const good = readFileSync(file, 'utf8');
    const refusals: [string, () => void][] = [
      ['missing', () => rmSync(file)],
      ['truncated', () => writeFileSync(file, good.slice(0, good.length - 100))],
      ['no header', () => writeFileSync(file, good.slice(good.indexOf('\n') + 1))],
      ['another format', () => writeFileSync(file, good.replace('{"format":1,', '{"format":2,'))],
      // the payload edited without its hash: not trusted, even though the sources are unchanged
      ['payload edited', () => editPayload(file, (p) => p.replace('"version":"', '"version":"compiled-'), false)],
      ['sources hash edited', () => writeFileSync(file, good.replace(/"sources":"[0-9a-f]{4}/, '"sources":"0000'))],
    ];
    for (const [what, damage] of refusals) {
      writeFileSync(file, good);
      expect(readCompiled(file, dir), 'intact').toBeDefined();
      damage();
      expect(readCompiled(file, dir), what).toBeUndefined();
      const db = readDatabase(dir, file);
      expect(db.version, what).not.toMatch(/^compiled-/);
      expect(db.sha256, what).toBe(loadSignatures().sha256);
    }
  });

  it('exists only for the built-in folder, and never under vitest (the sources have no compiled file)', () => {
    const { dir } = compiledCopy();
    expect(prevalidated(dir)).toBeUndefined();
    expect(existsSync(BUILTIN_FILE)).toBe(false);
    expect(existsSync(VALIDATORS_FILE)).toBe(false);
    expect(prevalidated(DEFAULT_SIGNATURES_DIR)).toBeUndefined();
    expect(prebuiltValidators()).toBeUndefined();
    // the attribution data falls back to validating too
    expect(loadAttributionData(DEFAULT_SIGNATURES_DIR, loadSignatures().permissions).sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails the build when the database does not validate', () => {
    const { dir } = compiledCopy();
    writeFileSync(entryFile(dir), '{"id": "appsflyer"}');
    const out = path.join(path.dirname(dir), 'again.json');
    expect(() => compileDatabase(dir, out)).toThrow(expect.objectContaining({ file: entryFile(dir), message: expect.stringMatching(/^invalid signature: /) }));
    expect(existsSync(out)).toBe(false);
  });

  describe('standalone schema validators (for user signature directories)', () => {
    // inside the repository, so the generated code finds ajv's runtime in node_modules as dist/ does
    const scratch = path.join(path.dirname(DEFAULT_SIGNATURES_DIR), '.cache');
    const sources = sourcesDigest(DEFAULT_SIGNATURES_DIR);
    const written: string[] = [];
    const write = (code: string): string => {
      mkdirSync(scratch, { recursive: true });
      written.push(mkdtempSync(path.join(scratch, 'validators-')));
      const file = path.join(written.at(-1)!, 'validators.cjs');
      writeFileSync(file, code);
      return file;
    };
    afterAll(() => {
      for (const d of written) rmSync(d, { recursive: true, force: true });
    });
    const prebuilt = readValidators(write(standaloneValidators(DEFAULT_SIGNATURES_DIR, sources)), sources)!;
    const ajv = newAjv();
    const schema = (name: string) => JSON.parse(readFileSync(path.join(DEFAULT_SIGNATURES_DIR, 'schema', `${name}.schema.json`), 'utf8')) as object;
    const compiled = { sdk: ajv.compile(schema('sdk')), companies: ajv.compile(schema('companies')) };

    it('judge every entry, and broken ones, as ajv does, with the same errors', () => {
      expect(prebuilt).toBeDefined();
      const entries = readdirSync(path.join(DEFAULT_SIGNATURES_DIR, 'sdks')).map((f) => JSON.parse(readFileSync(path.join(DEFAULT_SIGNATURES_DIR, 'sdks', f), 'utf8')) as Record<string, unknown>);
      const good = entries[0];
      const broken: unknown[] = [
        {},
        { id: 'x' },
        { ...good, categories: ['not-a-category'] },
        { ...good, unknownField: true },
        { ...good, android: { packages: 'com.example' } },
        { ...good, sources: ['ftp://example.com/'] },
        { ...good, id: 'Upper Case' },
        [],
      ];
      let refused = 0;
      for (const entry of [...entries, ...broken]) {
        const ok = prebuilt.sdk(entry);
        expect(ok, JSON.stringify(entry).slice(0, 80)).toBe(compiled.sdk(entry));
        expect(prebuilt.sdk.errors ?? null).toEqual(compiled.sdk.errors ?? null);
        if (!ok) refused++;
      }
      expect(refused).toBe(broken.length);
      const companies = JSON.parse(readFileSync(path.join(DEFAULT_SIGNATURES_DIR, 'companies.json'), 'utf8')) as unknown;
      for (const data of [companies, { companies: { acme: { name: 'Acme' } } }, { companies: { acme: { name: 'Acme', country: 'Atlantis', parent: 1 } } }]) {
        expect(prebuilt.companies(data)).toBe(compiled.companies(data));
        expect(prebuilt.companies.errors ?? null).toEqual(compiled.companies.errors ?? null);
      }
    });

    it('are not used for other schemas, or when missing', () => {
      const file = write(standaloneValidators(DEFAULT_SIGNATURES_DIR, sources));
      expect(readValidators(file, sources)).toBeDefined();
      expect(readValidators(file, sources.replace(/^./, (c) => (c === '0' ? '1' : '0')))).toBeUndefined();
      expect(readValidators(path.join(scratch, 'no-such-validators.cjs'), sources)).toBeUndefined();
      expect(readValidators(write('exports.sources = "x"; exports.sdk = 1;'), 'x')).toBeUndefined();
    });
  });
});
