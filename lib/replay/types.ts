/** Types of local replay and of the summary replay and the live commands print. */
import type { EntityKind, Layout } from '../layout/types.js';
import type { RoutedOutput, RoutingConfig, SinkName } from '../routing/types.js';
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
  routing?: Partial<RoutingConfig>;
  /** Rules to test EventBridge outputs against; `ruleNames` lists them all (zero counts show). */
  rules?: ReplayRules;
  /** Embedded sinks; outputs for a sink not given are only counted. */
  sinks?: Partial<Record<SinkName, Sink>>;
  /** Called for every routed output, in stream order (the `--json` printer). */
  onOutput?(output: RoutedOutput, rules: string[] | undefined): void;
  /** Paths in messages are shown relative to this directory. */
  cwd?: string;
}

/** A problem with one file or one record. */
export interface ReplayError {
  file: string;
  /** The record's eventID, when the problem is one record. */
  eventId?: string;
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
}

/** Counts of a replay. */
export interface ReplaySummary {
  files: ReplayFileSummary[];
  records: number;
  failed: number;
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
