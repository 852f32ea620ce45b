import { ConfigError } from '../errors.js';

/**
 * A subscriptions file that cannot be used: unreadable, not JSON, or with invalid entries. The
 * message names the file and, for each problem, the entry (`subscriptions[1] (id "NewTurns")`).
 */
export class SubscriptionsFileError extends ConfigError {
  /** The file as given. */
  readonly file: string;
  /** One line per problem, each naming its entry. */
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(
      `subscriptions file ${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join('\n  ')}`}`,
    );
    this.file = file;
    this.problems = problems;
  }
}
