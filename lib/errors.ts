/**
 * Typed errors, one class per failure kind. Callers branch on the class (`instanceof`), never on the
 * message text. Each carries what a user needs to find the bad input.
 */

/** Base class: every error memory-cdc raises on purpose. */
export class MemoryCdcError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A stream record could not be decoded (malformed image, missing keys, unknown attribute type). */
export class DecodeError extends MemoryCdcError {
  /** The stream record's eventID, when it has one. */
  readonly eventId: string | undefined;
  /** What is wrong, without the record's eventID (for reports that show the eventID apart). */
  readonly reason: string;
  /** The bad attribute's path (`NewImage.meta.tags[2]`), when one attribute is the problem. */
  readonly path: string | undefined;
  constructor(message: string, eventId: string | undefined, options?: { cause?: unknown; path?: string }) {
    super(eventId ? `record ${eventId}: ${message}` : message, options);
    this.eventId = eventId;
    this.reason = message;
    this.path = options?.path;
  }
}

/** A layout definition (preset or file) is invalid, or no layout fits the records. */
export class LayoutError extends MemoryCdcError {}

/** Configuration (environment variables, CLI options or a config file) is invalid. */
export class ConfigError extends MemoryCdcError {}

/**
 * A command would overwrite a file that exists, and `--force` was not given. A ConfigError: the
 * command line must change (another path, or `--force`).
 */
export class FileExistsError extends ConfigError {
  /** The file that exists. */
  readonly path: string;
  constructor(option: string, path: string) {
    super(`${option} ${path} already exists (pass --force to overwrite)`);
    this.path = path;
  }
}

/** The table named on the command line or in configuration does not exist (where the client looked). */
export class TableNotFoundError extends ConfigError {
  readonly table: string;
  constructor(table: string, where?: string) {
    super(`table ${table} does not exist${where ? ` (${where})` : ''}`);
    this.table = table;
  }
}

/** The user interrupted the command (Ctrl-C, SIGINT or SIGTERM); the CLI exits 130. */
export class InterruptedError extends MemoryCdcError {
  constructor(message = 'interrupted') {
    super(message);
  }
}

/** A fixture file is not JSON or not a DynamoDB Streams event. */
export class FixtureError extends MemoryCdcError {
  readonly file: string;
  /** What is wrong, without the path (for reports that show the file apart). */
  readonly reason: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.file = file;
    this.reason = message;
  }
}

/** An output could not be delivered to a sink. `retryable` says whether another attempt may succeed. */
export class DeliveryError extends MemoryCdcError {
  readonly sink: string;
  readonly retryable: boolean;
  constructor(sink: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(`${sink}: ${message}`, options);
    this.sink = sink;
    this.retryable = retryable;
  }
}
