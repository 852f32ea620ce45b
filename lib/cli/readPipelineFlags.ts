import { ConfigError } from '../errors.js';
import { resolveLayout } from '../layout/resolveLayout.js';
import type { Layout } from '../layout/types.js';
import { compileRules } from '../patterns/compileRules.js';
import { parseJsonExact } from '../patterns/ExactNumber.js';
import type { ReplayRules } from '../replay/types.js';
import { parseRouting } from '../routing/routingSchema.js';
import type { PartialRouting } from '../routing/types.js';
import {
  isSubscriptionsDocument,
  parseSubscriptions,
  subscriptionRules,
} from '../subscriptions/subscriptionsFile.js';
import { readJsonArgument } from './readJsonArgument.js';

/** The flags that configure the pipeline (`replay`, `tail`, `backfill`); each is optional. */
export interface PipelineFlags {
  /** `--layout`: a preset name or a layout JSON file. */
  layout?: string;
  /** `--routing`: a routing JSON file or inline JSON. */
  routing?: string;
  /**
   * `--rules`: a JSON object of rule name -> EventBridge event pattern, or a subscriptions file
   * (`{ "subscriptions": [...] }`, as `cdk deploy -c subscriptions=…` takes it); file or inline.
   */
  rules?: string;
}

/** What {@link readPipelineFlags} read; a flag not given is undefined. */
export interface PipelineSettings {
  layout?: Layout;
  routing?: PartialRouting;
  rules?: ReplayRules;
}

/**
 * Reads and validates the pipeline flags, resolving files against `cwd`.
 * @throws ConfigError (or LayoutError, InvalidPatternError) naming the flag and what is wrong
 */
export function readPipelineFlags(flags: PipelineFlags, cwd: string): PipelineSettings {
  const layout = flags.layout ? resolveLayout(flags.layout, cwd) : undefined;
  let rules: ReplayRules | undefined;
  if (flags.rules) {
    const value = readJsonArgument('--rules', flags.rules, cwd, parseJsonExact);
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigError(
        '--rules: expected a JSON object mapping rule names to event patterns, or a subscriptions file ({ "subscriptions": [...] })',
      );
    }
    // A subscriptions file is read exactly as the CDK app reads it, so the rules match what deploys.
    const named = isSubscriptionsDocument(value)
      ? subscriptionRules(
          parseSubscriptions(value, flags.rules.trim().startsWith('{') ? 'inline --rules' : flags.rules),
        )
      : (value as Record<string, unknown>);
    rules = { matcher: compileRules(named), ruleNames: Object.keys(named) };
  }
  const routing = flags.routing ? readRoutingFlag(flags.routing, cwd) : undefined;
  return { layout, routing, rules };
}

/**
 * Reads and validates `--routing FILE|JSON` (the format `memory-cdc routing show` prints).
 * @throws ConfigError naming the file and each problem
 */
export function readRoutingFlag(value: string, cwd: string): PartialRouting {
  const origin = /^\s*[{[]/.test(value) ? '--routing (inline JSON)' : `--routing ${value}`;
  return parseRouting(readJsonArgument('--routing', value, cwd), origin);
}
