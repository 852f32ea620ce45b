/**
 * The memory-bus rules of synthesized CloudFormation templates, as a rules file
 * (`{ ruleName: eventPattern }`) for `memory-cdc replay --rules`: the patterns tested locally are
 * read from what would be deployed.
 */
import { EVENT_SOURCE } from '../lib/catalog/types.js';
import { MEMORY_CDC_METADATA } from './templateMetadata.js';

/** A synthesized stack's template. */
export interface StackTemplate {
  /** Stack name (or artifact id). */
  stackName: string;
  /** The CloudFormation template. */
  template: CloudFormationTemplate;
}

/** The parts of a CloudFormation template read here. */
export interface CloudFormationTemplate {
  Metadata?: Record<string, unknown>;
  Resources?: Record<
    string,
    { Type?: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
  >;
}

/** A rule that targets the memory bus but cannot go into a rules file, and why. */
export interface SkippedRule {
  rule: string;
  reason: string;
}

/** The rules file and the rules left out of it. */
export interface MemoryRules {
  /** Rule name -> event pattern, in template order. */
  rules: Record<string, unknown>;
  skipped: SkippedRule[];
}

/**
 * Collects the event patterns of the rules on the memory bus: rules whose `EventBusName` is a bus
 * a `MemoryCdc` construct recorded in its template's metadata, and any rule whose pattern asks
 * for `source: memory-cdc` (a bus shared through a cross-stack reference). A rule is named by its
 * `Name`, else by its `onEvent` id, else by its construct path (`stack/…`), else its logical id.
 *
 * @param stacks the synthesized templates (see `readCloudAssembly`)
 * @returns the rules file and the memory rules that could not be included (disabled, or a
 *   pattern holding CloudFormation functions that only resolve at deploy time)
 */
export function memoryRulesFromTemplates(stacks: readonly StackTemplate[]): MemoryRules {
  const rules: Record<string, unknown> = {};
  const skipped: SkippedRule[] = [];
  const literalBuses = new Set<string>();
  for (const { template } of stacks) {
    for (const bus of memoryBuses(template)) if (typeof bus === 'string') literalBuses.add(bus);
  }

  for (const { stackName, template } of stacks) {
    const localBuses = new Set(memoryBuses(template).map((bus) => JSON.stringify(bus)));
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Events::Rule') continue;
      const props = resource.Properties ?? {};
      const pattern = props.EventPattern;
      if (pattern === undefined) continue;
      const bus = props.EventBusName;
      const onMemoryBus =
        (bus !== undefined && localBuses.has(JSON.stringify(bus))) ||
        (typeof bus === 'string' && literalBuses.has(bus));
      if (!onMemoryBus && !asksForMemorySource(pattern)) continue;

      let name = ruleName(stackName, logicalId, resource);
      if (name in rules) name = `${stackName}/${name}`;
      if (props.State === 'DISABLED') {
        skipped.push({ rule: name, reason: 'the rule is disabled' });
        continue;
      }
      const parsed = typeof pattern === 'string' ? parseJson(pattern) : pattern;
      if (parsed === undefined || containsIntrinsic(parsed)) {
        skipped.push({
          rule: name,
          reason: 'its pattern holds CloudFormation functions that resolve only at deploy time',
        });
        continue;
      }
      rules[name] = parsed;
    }
  }
  return { rules, skipped };
}

/** The buses a template's `MemoryCdc` constructs recorded (names or `{ Ref }`s). */
function memoryBuses(template: CloudFormationTemplate): unknown[] {
  const entry = template.Metadata?.[MEMORY_CDC_METADATA] as { eventBuses?: unknown } | undefined;
  return Array.isArray(entry?.eventBuses) ? entry.eventBuses : [];
}

function asksForMemorySource(pattern: unknown): boolean {
  const parsed = typeof pattern === 'string' ? parseJson(pattern) : pattern;
  const source = (parsed as { source?: unknown } | undefined)?.source;
  return Array.isArray(source) && source.includes(EVENT_SOURCE);
}

function ruleName(
  stackName: string,
  logicalId: string,
  resource: { Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> },
): string {
  const name = resource.Properties?.Name;
  if (typeof name === 'string' && name.length > 0) return name;
  const subscription = (resource.Metadata?.[MEMORY_CDC_METADATA] as { subscription?: unknown } | undefined)
    ?.subscription;
  if (typeof subscription === 'string') return subscription;
  const path = resource.Metadata?.['aws:cdk:path'];
  if (typeof path === 'string') {
    const trimmed = path.replace(/\/Resource$/, '');
    return trimmed.startsWith(`${stackName}/`) ? trimmed.slice(stackName.length + 1) : trimmed;
  }
  return logicalId;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** True when a value holds a CloudFormation function: an object whose only key is `Ref` or `Fn::…`. */
function containsIntrinsic(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsIntrinsic);
  if (value === null || typeof value !== 'object') return false;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) return true;
  return Object.values(value).some(containsIntrinsic);
}
