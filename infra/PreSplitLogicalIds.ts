/**
 * Logical ids from before `MemoryCdc` was split into parts (bus, storage, vector index,
 * consumers). A CloudFormation resource whose logical id changes is replaced on the next deploy: a
 * new, empty archive bucket (the old one retained but orphaned), a new change log (its records
 * lost), a new bus whose fixed name clashes with the old one, and mappings that re-read a stream.
 * So every element created inside a part keeps the id it had when it sat directly in `MemoryCdc`,
 * computed with the CDK's own rule (human-readable path plus an MD5 hash of the path).
 *
 * Elements added to a part after it was registered here (e.g. by a later `addToResourcePolicy`)
 * are new resources and get the CDK's usual ids.
 */
import { createHash } from 'node:crypto';
import { CfnElement, Names, Stack } from 'aws-cdk-lib';
import type { Construct, IConstruct } from 'constructs';

/** Keeps the pre-split logical ids of the parts registered with it (one per `MemoryCdc`). */
export class PreSplitLogicalIds {
  /** Path components that did not exist before the split. */
  private readonly parts = new Set<IConstruct>();
  /** Unique ids (`Names.nodeUniqueId`) of moved constructs -> their pre-split unique ids. */
  private readonly movedUniqueIds = new Map<string, string>();

  /**
   * Gives every CloudFormation element under `part` its pre-split logical id, and remembers the moved constructs' unique ids, which the CDK embeds in
   * the construct ids of some children (e.g. `KinesisEventSource:<stream unique id>`).
   * @param part a construct whose own id is not part of the pre-split paths
   */
  keep(part: Construct): void {
    this.parts.add(part);
    const stack = Stack.of(part);
    for (const construct of part.node.findAll()) {
      if (construct === part) continue;
      const fromApp = construct.node.scopes.slice(1);
      this.movedUniqueIds.set(Names.nodeUniqueId(construct.node), makeUniqueId(this.legacyPath(fromApp)));
    }
    for (const construct of part.node.findAll()) {
      if (!CfnElement.isCfnElement(construct)) continue;
      const scopes = construct.node.scopes;
      const fromStack = scopes.slice(scopes.indexOf(stack) + 1);
      construct.overrideLogicalId(makeUniqueId(this.legacyPath(fromStack)));
    }
  }

  /** Path components without the parts, with moved unique ids mapped back. */
  private legacyPath(scopes: readonly IConstruct[]): string[] {
    return scopes
      .filter((scope) => !this.parts.has(scope))
      .map((scope) => {
        let id = scope.node.id;
        for (const [now, before] of this.movedUniqueIds) {
          if (now !== before && id.includes(now)) id = id.replace(now, before);
        }
        return id;
      });
  }
}

const HIDDEN_ID = 'Default';
const HIDDEN_FROM_HUMAN_ID = 'Resource';
const MAX_HUMAN_LENGTH = 240;
const MAX_ID_LENGTH = 255;

/**
 * The CDK's logical id of a path (aws-cdk-lib `makeUniqueId`, the rule `Stack.allocateLogicalId`
 * and `Names.nodeUniqueId` use): `Default` components dropped, a single component kept as is,
 * otherwise the alphanumeric path without `Resource` and repeated components, plus the first 8 hex
 * digits of the MD5 of the path. The test of the construct pins the ids this produces.
 */
export function makeUniqueId(components: readonly string[]): string {
  const path = components.filter((c) => c !== HIDDEN_ID);
  const alphanumeric = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');
  if (path.length === 1) {
    const candidate = alphanumeric(path[0]!);
    if (candidate.length <= MAX_ID_LENGTH) return candidate;
  }
  const hash = createHash('md5').update(path.join('/')).digest('hex').slice(0, 8).toUpperCase();
  const human: string[] = [];
  for (const component of path) {
    if (human.length === 0 || !human[human.length - 1]!.endsWith(component)) human.push(component);
  }
  return (
    human
      .filter((c) => c !== HIDDEN_FROM_HUMAN_ID)
      .map(alphanumeric)
      .join('')
      .slice(0, MAX_HUMAN_LENGTH) + hash
  );
}
