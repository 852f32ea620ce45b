/**
 * Types for DynamoDB Streams records as Lambda delivers them, and for the decoded change memory-cdc
 * builds from one. The Lambda shape is declared here (not imported from `@types/aws-lambda`) because
 * records also come from the DynamoDB Streams API (`tail`), where binary values are `Uint8Array`
 * and the creation time is a `Date`.
 */

/** One attribute value in DynamoDB JSON. Binary is base64 text in Lambda events, bytes from the SDK. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string | Uint8Array }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: (string | Uint8Array)[] }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { NULL: boolean }
  | { BOOL: boolean };

/** An item image in DynamoDB JSON. */
export type AttributeMap = Record<string, AttributeValue>;

/** The stream view type of the table's stream. */
export type StreamViewType = 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'KEYS_ONLY';

/** A DynamoDB Streams record in Lambda's event format (also accepted with SDK-typed fields). */
export interface StreamRecord {
  eventID?: string;
  /**
   * `INSERT` | `MODIFY` | `REMOVE`; DynamoDB Local sends `UNKNOWN_TO_SDK_VERSION` for TTL deletions.
   * `READ` marks memory-cdc's own snapshot reads (`backfill`); DynamoDB never sends it.
   */
  eventName?: string;
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  eventSourceARN?: string;
  userIdentity?: { type?: string; principalId?: string };
  dynamodb?: {
    /** Epoch seconds in Lambda events; a `Date` from the Streams API. */
    ApproximateCreationDateTime?: number | Date;
    Keys?: AttributeMap;
    NewImage?: AttributeMap;
    OldImage?: AttributeMap;
    SequenceNumber?: string;
    SizeBytes?: number;
    StreamViewType?: StreamViewType | string;
  };
}

/** The event Lambda passes to a DynamoDB Streams handler. */
export interface StreamEvent {
  Records: StreamRecord[];
}

/**
 * What happened to the item. `read` is a snapshot read (Debezium's op `r`): `backfill` scanned an
 * item that already existed, so it says what the item is, not that anything just happened to it.
 */
export type ChangeOp = 'insert' | 'modify' | 'remove' | 'read';

/** A plain JSON value, as memory-cdc emits item contents. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** An item as plain JSON (see the number rule in the event catalog). */
export type PlainItem = Record<string, JsonValue>;

/** Where a change sits in the table's stream. */
export interface StreamPosition {
  /** Table name, read from the stream ARN. */
  table: string;
  /** The stream ARN the record came from (empty when the record carries none). */
  streamArn: string;
  /** AWS region of the stream (`ddblocal` for DynamoDB Local). */
  region: string;
  /** The stream record's eventID: unique per record, stable across Lambda retries. */
  eventId: string;
  /** DynamoDB Streams sequence number: increases within a shard, compares as a big integer. */
  sequenceNumber: string;
  /**
   * ApproximateCreationDateTime as ISO-8601 (DynamoDB Local truncates it to the minute). Absent
   * when the record carries none (the AWS Lambda guide's sample event has none).
   */
  approximateCreationTime?: string;
  /** The same instant in epoch milliseconds; absent with it. */
  approximateCreationEpochMs?: number;
  /** Size of the stream record in bytes as DynamoDB reports it. */
  sizeBytes: number;
}

/** A decoded stream record: what changed, before and after, and where it sits in the stream. */
export interface Change {
  op: ChangeOp;
  /** True when DynamoDB's TTL process deleted the item (see `isTtlExpiry`). */
  expired: boolean;
  /** The item's key attributes as plain JSON. */
  keys: PlainItem;
  /** The item before the change as plain JSON; null for inserts and views without old images. */
  before: PlainItem | null;
  /** The item after the change as plain JSON; null for removes and views without new images. */
  after: PlainItem | null;
  /** The raw DynamoDB JSON images, kept for lossless archives and restores. */
  raw: { keys: AttributeMap; oldImage: AttributeMap | null; newImage: AttributeMap | null };
  /**
   * Top-level attributes whose value differs between the images (added, removed or changed),
   * sorted. For inserts and removes: every attribute of the image present. Empty when the view
   * type carries only one image on a modify (nothing to compare).
   */
  changed: string[];
  /** The stream view type the record reports. */
  viewType: StreamViewType;
  position: StreamPosition;
}
