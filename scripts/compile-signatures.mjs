// Build step after tsc: validates signatures/ once and writes dist/signatures/builtin.json, which
// trackscan then loads without validating again, and validators.cjs for user signature
// directories (src/signatures/builtin.ts).
import { BUILTIN_FILE, DEFAULT_SIGNATURES_DIR, VALIDATORS_FILE } from '../dist/signatures/builtin.js';
import { compileDatabase } from '../dist/signatures/compile.js';

const { entries, version, sha256 } = compileDatabase(DEFAULT_SIGNATURES_DIR, BUILTIN_FILE, VALIDATORS_FILE);
console.log(`signatures: ${entries} entries, database ${version} (sha256 ${sha256.slice(0, 12)}…) validated into dist/signatures/builtin.json (and validators.cjs)`);
