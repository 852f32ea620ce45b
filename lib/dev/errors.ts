/**
 * Errors of `memory-cdc dev` and of the local DynamoDB it starts. Each says what to do next: install
 * Java, free a port, or look at DynamoDB Local's own output.
 */
import { MemoryCdcError } from '../errors.js';

/** How to get Java where it is missing (DynamoDB Local 3.x runs on Java 17 or newer). */
export const JAVA_INSTALL_HINT =
  'install a Java runtime, version 17 or newer (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`; ' +
  'macOS: `brew install openjdk@17`) and make sure its `bin` folder is on PATH';

/** No `java` executable was found: DynamoDB Local cannot run. */
export class JavaNotFoundError extends MemoryCdcError {
  constructor(options?: { cause?: unknown }) {
    super(`DynamoDB Local needs Java, and no \`java\` was found on PATH: ${JAVA_INSTALL_HINT}`, options);
  }
}

/** DynamoDB Local did not start, stopped on its own, or its files are missing from the npm package. */
export class DynamoDbLocalError extends MemoryCdcError {
  /** The last lines DynamoDB Local wrote (stdout and stderr), for diagnosis. */
  readonly output: string;
  constructor(message: string, output = '', options?: { cause?: unknown }) {
    super(output ? `${message}\n--- DynamoDB Local output (last lines) ---\n${output}` : message, options);
    this.output = output;
  }
}
