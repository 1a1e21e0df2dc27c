/** The tool's version, from package.json (two levels up from both src/ and dist/). */
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
export const TOOL_VERSION: string = pkg.version;
