/**
 * Libraries that only some inputs need, loaded on first use: fast-xml-parser (XML plists, an
 * AAR's text manifest, ~40 ms to load) and protobufjs (App Bundles, ~20 ms). A scan of an APK or a
 * binary-plist IPA never pays for them. `require` rather than `await import()` keeps the readers
 * synchronous.
 */
import { createRequire } from 'node:module';
import type { X2jOptions, XMLParser } from 'fast-xml-parser';
import type protobufjs from 'protobufjs';

const require = createRequire(import.meta.url);

/** An XMLParser with `options`, made on the first call of the function returned. */
export function lazyXmlParser(options: X2jOptions): () => XMLParser {
  let parser: XMLParser | undefined;
  return () => (parser ??= new (require('fast-xml-parser') as typeof import('fast-xml-parser')).XMLParser(options));
}

/** protobufjs (its CommonJS entry). */
export function protobuf(): typeof protobufjs {
  return require('protobufjs') as typeof protobufjs;
}
