/**
 * The text of ./Resources.proto (an excerpt of aapt2's Resources.proto, Apache 2.0, AOSP
 * frameworks/base/tools/aapt2/Resources.proto; see the licence note in the file). The build copies
 * the file next to the compiled code (package.json `build`), so src/ and dist/ read it alike; it is
 * read once, the first time an App Bundle is decoded.
 */
import { readFileSync } from 'node:fs';

let text: string | undefined;

export function resourcesProto(): string {
  text ??= readFileSync(new URL('./Resources.proto', import.meta.url), 'utf8');
  return text;
}
