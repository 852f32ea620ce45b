/** Types of local replay and of the summary replay and the live commands print. */
import type { EntityKind, Layout } from '../layout/types.js';
import type { PartialRouting, RoutedOutput, SinkName } from '../routing/types.js';
import type { Sink } from '../sinks/types.js';

/** Matches EventBridge events against a set of named rules (see lib/patterns). */
export interface RuleMatcher {
  /** Names of the rules that match, in the rules file's order. */
  match(event: unknown): string[];
}

/** Rules to test EventBridge outputs against (`--rules`). */
export interface ReplayRules {
  matcher: RuleMatcher;
  /** Every rule, so those that match nothing show with a zero count. */
  ruleNames: readonly string[];
}

/** Options for `replay`. */
export interface ReplayOptions {
  files: readonly string[];
  /** Layout for every file; when absent it is detected per file. */
  layout?: Layout;
  routing?: PartialRouting;
  /** Rules to test EventBridge outputs against; `ruleNames` lists them all (zero counts show). */
  rules?: ReplayRules;
  /** Embedded sinks; outputs for a sink not given are only counted. */
  sinks?: Partial<Record<SinkName, Sink>>;
  /**
   * Called for every routed output, in stream order (the `--json` printer). A returned promise is
   * awaited before the next record, so a slow reader of the output holds replay back instead of
   * the output piling up in memory.
   */
  onOutput?(output: RoutedOutput, rules: string[] | undefined): unknown;
  /** Called once per warning as it arises (e.g. records that fit no preset layout). */
  onWarning?(message: string): void;
  /** Paths in messages are shown relative to this directory. */
  cwd?: string;
}

/** A problem with one file or one record. */
export interface ReplayError {
  file: string;
  /** The record's position in the file's `Records` (from 0), when the problem is one record. */
  index?: number;
  /** The record's eventID, when the problem is one record and it has one. */
  eventId?: string;
  /** What is wrong, without the file or the eventID (shown apart). */
  message: string;
}

/** What happened to one file. */
export interface ReplayFileSummary {
  file: string;
  records: number;
  failed: number;
  layout?: string;
  /** How the layout was chosen. */
  layoutReason?: string;
  /** Why the file could not be read (to the end); records read before the damage still count. */
  error?: string;
}

/** Counts of a replay. */
export interface ReplaySummary {
  files: ReplayFileSummary[];
  /** Records read; every one is either replayed or failed: `records = replayed + failed`. */
  records: number;
  /** Records that replayed (decoded and routed; whether or not they owed any output). */
  replayed: number;
  /** Records that failed, each with an entry in `errors`. */
  failed: number;
  /** Files that could not be read to the end, counted apart from records. */
  filesFailed: number;
  /** Things worth knowing that are not failures (each said once). */
  warnings: string[];
  byEntity: Partial<Record<EntityKind, number>>;
  bySink: Record<SinkName, number>;
  /** EventBridge outputs per detail-type. */
  byDetailType: Record<string, number>;
  /** Events per rule (every rule listed, including those that matched nothing). */
  byRule: Record<string, number>;
  /** Rules matched per detail-type, for the summary's column. */
  rulesByDetailType: Record<string, string[]>;
  /** Events kept from EventBridge as noise, by reason. */
  noise: { entity: number; bookkeeping: number };
  unknownItems: number;
  /** Outputs a sink did not accept. */
  undelivered: number;
  errors: ReplayError[];
}
