/**
 * Typed errors. Everything the scanner throws on purpose is a TrackscanError with a stable `code`,
 * so the CLI can print one line naming the file and the problem and choose the exit code without
 * inspecting messages.
 */
export type ErrorCode =
  /** the input is not a zip, or its directory cannot be read at all */
  | 'ARCHIVE_INVALID'
  /** a size limit (entry, total inflated, entry count) was hit: zip bomb or absurd input */
  | 'ARCHIVE_LIMIT'
  /** one entry cannot be read (bad method, bad data, outside the file) */
  | 'ENTRY_UNREADABLE'
  /** the entry asked for is not in the archive */
  | 'ENTRY_NOT_FOUND'
  /** a format parser found nothing readable */
  | 'FORMAT_INVALID'
  /** the input is readable but is not the kind of bundle asked for */
  | 'NOT_A_BUNDLE'
  /** the file could not be opened or read */
  | 'IO'
  /** the signature database is missing, malformed, or of a schema version this build does not know */
  | 'SIGNATURES_INVALID';

export class TrackscanError extends Error {
  readonly code: ErrorCode;
  /** the bundle or entry the error is about, when known */
  file?: string;

  constructor(code: ErrorCode, message: string, options?: { file?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TrackscanError';
    this.code = code;
    this.file = options?.file;
  }
}

/** Thrown by a pure format parser when nothing of the input is readable. */
export class FormatError extends TrackscanError {
  readonly format: string;
  readonly offset?: number;

  constructor(format: string, message: string, offset?: number) {
    super('FORMAT_INVALID', offset === undefined ? `${format}: ${message}` : `${format}: ${message} (at offset ${offset})`);
    this.name = 'FormatError';
    this.format = format;
    this.offset = offset;
  }
}

export function isTrackscanError(e: unknown): e is TrackscanError {
  return e instanceof TrackscanError;
}
