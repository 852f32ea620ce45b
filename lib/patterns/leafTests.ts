/**
 * What a leaf of an event pattern (`"field": [ … ]`) accepts, gathered element by element while it
 * compiles, then turned into one closure. Exact values go into one set (kept by the leaf compiler);
 * operators add tests per JSON type of the event value, so a string is never tested by a numeric operator and vice versa.
 */
export interface LeafTests {
  /** Lower-cased `equals-ignore-case` values. */
  foldedStrings: Set<string>;
  /** Exact string values that are IP literals, in `ipToHex` form (EventBridge compares those as addresses). */
  ipHex: Set<string>;
  /** Operator tests on string values (prefix, suffix, wildcard, cidr, anything-but). */
  stringTests: Array<(value: string) => boolean>;
  /** Operator tests on number values (numeric, anything-but). */
  numberTests: Array<(value: number) => boolean>;
  /** Every string matches (an anything-but on numbers). */
  anyString: boolean;
  /** Every number matches (an anything-but on strings, prefixes, …). */
  anyNumber: boolean;
  acceptNull: boolean;
  acceptTrue: boolean;
  acceptFalse: boolean;
  /** `{ "exists": true }`: any leaf value matches. */
  exists: boolean;
  /** `{ "exists": false }`: an absent field matches. */
  absent: boolean;
}

/** An empty {@link LeafTests}. */
export function emptyLeafTests(): LeafTests {
  return {
    foldedStrings: new Set(),
    ipHex: new Set(),
    stringTests: [],
    numberTests: [],
    anyString: false,
    anyNumber: false,
    acceptNull: false,
    acceptTrue: false,
    acceptFalse: false,
    exists: false,
    absent: false,
  };
}
