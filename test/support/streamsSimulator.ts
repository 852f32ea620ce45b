/**
 * A local DynamoDB Streams endpoint for tests: it speaks the service's JSON 1.0 wire protocol
 * (`X-Amz-Target: DynamoDBStreams_20120810.<Operation>`), so the real SDK client, its
 * serializers and its error classes run against it. Tests script the stream: shards, splits,
 * closed shards, trimmed records, expired iterators, throttling and server errors. DynamoDB Local
 * has a stream too, but it cannot split shards, trim or throttle on demand.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamRecord } from '../../lib/stream/types.js';

const TARGET_PREFIX = 'DynamoDBStreams_20120810.';

/** Options of {@link StreamsSimulator.start}. */
export interface StreamsSimulatorOptions {
  tableName: string;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '123456789012' */
  account?: string;
  /** @default '2026-11-01T00:00:00.000' */
  label?: string;
  /** @default 'NEW_AND_OLD_IMAGES' */
  viewType?: string;
  /** Most shards one DescribeStream page returns (the service's cap is 100). @default 100 */
  describePageSize?: number;
}

/** A service error the simulator answers with. */
export interface ScriptedFault {
  /** e.g. `LimitExceededException`, `InternalServerError`. */
  name: string;
  /** @default 400 (500 for InternalServerError) */
  status?: number;
  /** How many calls of the operation fail. @default 1 */
  times?: number;
}

/** One call the simulator answered. */
export interface SimulatorCall {
  operation: string;
  input: Record<string, unknown>;
  /** The error name answered, when the call failed. */
  error?: string;
}

interface SimShard {
  id: string;
  parentId: string | undefined;
  records: StreamRecord[];
  closed: boolean;
  /** Records before this index have been trimmed. */
  trimmed: number;
  /** Sequence numbers of trimmed records (GetShardIterator after one of them is a trimmed access). */
  trimmedSequences: Set<string>;
  firstSequence: string | undefined;
}

interface IteratorState {
  shardId: string;
  position: number;
  generation: number;
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The wire form of a Lambda-format record (what GetRecords returns). */
function toWire(record: StreamRecord): Record<string, unknown> {
  const { eventSourceARN: _arn, userIdentity, ...rest } = record;
  const wire: Record<string, unknown> = { ...rest };
  if (userIdentity) wire.userIdentity = { PrincipalId: userIdentity.principalId, Type: userIdentity.type };
  const created = record.dynamodb?.ApproximateCreationDateTime;
  if (created instanceof Date) {
    wire.dynamodb = { ...record.dynamodb, ApproximateCreationDateTime: created.getTime() / 1000 };
  }
  return wire;
}

/** A scripted DynamoDB Streams endpoint on 127.0.0.1 (random port). */
export class StreamsSimulator {
  /** Every call answered, in order. */
  readonly calls: SimulatorCall[] = [];
  readonly streamArn: string;
  readonly region: string;
  private readonly shards = new Map<string, SimShard>();
  private readonly iterators = new Map<string, IteratorState>();
  private readonly faults = new Map<string, ScriptedFault[]>();
  private status = 'ENABLED';
  private generation = 0;
  private expiredBefore = 0;
  private nextIterator = 0;
  private nextSequence = 10n ** 20n;

  private constructor(
    private readonly server: Server,
    private readonly options: StreamsSimulatorOptions,
  ) {
    this.region = options.region ?? 'us-east-1';
    this.streamArn = `arn:aws:dynamodb:${this.region}:${options.account ?? '123456789012'}:table/${options.tableName}/stream/${options.label ?? '2026-11-01T00:00:00.000'}`;
  }

  /** Starts a simulator on a free port. */
  static async start(options: StreamsSimulatorOptions): Promise<StreamsSimulator> {
    const server = createServer();
    const simulator = new StreamsSimulator(server, options);
    server.on('request', (req, res) => void simulator.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return simulator;
  }

  /** The endpoint URL to give the SDK client. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops the server. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Opens a shard (a child when `parent` is given). */
  addShard(shardId: string, parent?: string): this {
    this.shards.set(shardId, {
      id: shardId,
      parentId: parent,
      records: [],
      closed: false,
      trimmed: 0,
      trimmedSequences: new Set(),
      firstSequence: undefined,
    });
    return this;
  }

  /**
   * Appends records to an open shard. Records keep their `SequenceNumber` when they have one (it
   * must be larger than the shard's last); records without one get the next number.
   */
  put(shardId: string, ...records: StreamRecord[]): this {
    const shard = this.shard(shardId);
    if (shard.closed) throw new Error(`shard ${shardId} is closed`);
    for (const record of records) {
      const given = record.dynamodb?.SequenceNumber;
      const sequence = given ? BigInt(given) : this.nextSequence + 1n;
      const last = shard.records.at(-1)?.dynamodb?.SequenceNumber;
      if (last && BigInt(last) >= sequence)
        throw new Error(`sequence ${sequence} not after ${last} in ${shardId}`);
      if (sequence > this.nextSequence) this.nextSequence = sequence;
      const stored = structuredClone(record);
      stored.dynamodb = { ...stored.dynamodb, SequenceNumber: sequence.toString() };
      shard.records.push(stored);
      shard.firstSequence ??= sequence.toString();
    }
    return this;
  }

  /** Closes a shard: readers get its remaining records, then no next iterator. */
  closeShard(shardId: string): this {
    this.shard(shardId).closed = true;
    return this;
  }

  /** Splits a shard: closes it and opens the children with it as parent. */
  split(parentId: string, ...childIds: string[]): this {
    this.closeShard(parentId);
    for (const child of childIds) this.addShard(child, parentId);
    return this;
  }

  /** Disables the stream: every shard closes and DescribeStream reports `DISABLED`. */
  disable(): this {
    this.status = 'DISABLED';
    for (const shard of this.shards.values()) shard.closed = true;
    return this;
  }

  /** Trims the oldest `count` records of a shard (as 24-hour retention does). */
  trim(shardId: string, count: number): this {
    const shard = this.shard(shardId);
    const upTo = Math.min(shard.records.length, shard.trimmed + count);
    for (let i = shard.trimmed; i < upTo; i++) {
      shard.trimmedSequences.add(shard.records[i]?.dynamodb?.SequenceNumber ?? '');
    }
    shard.trimmed = upTo;
    return this;
  }

  /** Removes a shard from the stream entirely (trimmed away 24 hours after it closed). */
  removeShard(shardId: string): this {
    this.shards.delete(shardId);
    return this;
  }

  /** Expires every iterator handed out so far (as 15 minutes without use does). */
  expireIterators(): this {
    this.expiredBefore = ++this.generation;
    return this;
  }

  /** The next calls of `operation` fail with the given service error. */
  fail(operation: string, fault: ScriptedFault): this {
    const list = this.faults.get(operation) ?? [];
    list.push({ ...fault, times: fault.times ?? 1 });
    this.faults.set(operation, list);
    return this;
  }

  /** Calls of one operation. */
  callsOf(operation: string): SimulatorCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  private shard(shardId: string): SimShard {
    const shard = this.shards.get(shardId);
    if (!shard) throw new Error(`no shard ${shardId}`);
    return shard;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    let input: Record<string, unknown> = {};
    const call: SimulatorCall = { operation, input };
    this.calls.push(call);
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      call.input = input;
      this.injectFault(operation);
      const body = this.dispatch(operation, input);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    } catch (error) {
      const e =
        error instanceof ServiceError ? error : new ServiceError('InternalServerError', String(error), 500);
      call.error = e.type;
      res.writeHead(e.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${e.type}`, message: e.message }));
    }
  }

  private injectFault(operation: string): void {
    const fault = this.faults.get(operation)?.[0];
    if (!fault) return;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.get(operation)?.shift();
    throw new ServiceError(
      fault.name,
      `scripted ${fault.name}`,
      fault.status ?? (fault.name === 'InternalServerError' ? 500 : 400),
    );
  }

  private dispatch(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'ListStreams':
        return this.listStreams(input);
      case 'DescribeStream':
        return this.describeStream(input);
      case 'GetShardIterator':
        return this.getShardIterator(input);
      case 'GetRecords':
        return this.getRecords(input);
      default:
        throw new ServiceError('UnknownOperationException', `unknown operation ${operation}`);
    }
  }

  private checkArn(arn: unknown): void {
    if (arn !== this.streamArn)
      throw new ServiceError('ResourceNotFoundException', `Requested resource not found: ${String(arn)}`);
  }

  private listStreams(input: Record<string, unknown>): unknown {
    if (input.TableName !== undefined && input.TableName !== this.options.tableName) {
      throw new ServiceError(
        'ResourceNotFoundException',
        `Requested resource not found: Table: ${String(input.TableName)} not found`,
      );
    }
    return {
      Streams: [
        {
          StreamArn: this.streamArn,
          TableName: this.options.tableName,
          StreamLabel: this.options.label ?? '2026-11-01T00:00:00.000',
        },
      ],
    };
  }

  private describeStream(input: Record<string, unknown>): unknown {
    this.checkArn(input.StreamArn);
    const all = [...this.shards.values()];
    const startAfter = input.ExclusiveStartShardId;
    const from = startAfter === undefined ? 0 : all.findIndex((s) => s.id === startAfter) + 1;
    const limit = Math.min(Number(input.Limit ?? 100), this.options.describePageSize ?? 100);
    const page = all.slice(from, from + limit);
    const more = from + limit < all.length;
    return {
      StreamDescription: {
        StreamArn: this.streamArn,
        StreamLabel: this.options.label ?? '2026-11-01T00:00:00.000',
        StreamStatus: this.status,
        StreamViewType: this.options.viewType ?? 'NEW_AND_OLD_IMAGES',
        CreationRequestDateTime: 1_793_000_000,
        TableName: this.options.tableName,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Shards: page.map((s) => ({
          ShardId: s.id,
          ...(s.parentId ? { ParentShardId: s.parentId } : {}),
          SequenceNumberRange: {
            StartingSequenceNumber: s.firstSequence ?? (this.nextSequence + 1n).toString(),
            ...(s.closed
              ? { EndingSequenceNumber: s.records.at(-1)?.dynamodb?.SequenceNumber ?? s.firstSequence ?? '0' }
              : {}),
          },
        })),
        ...(more && page.length > 0 ? { LastEvaluatedShardId: page.at(-1)?.id } : {}),
      },
    };
  }

  private issue(shardId: string, position: number): string {
    const token = `iterator-${++this.nextIterator}-${shardId}`;
    this.iterators.set(token, { shardId, position, generation: this.generation });
    return token;
  }

  private getShardIterator(input: Record<string, unknown>): unknown {
    this.checkArn(input.StreamArn);
    const shard = this.shards.get(String(input.ShardId));
    if (!shard)
      throw new ServiceError(
        'ResourceNotFoundException',
        `Requested resource not found: Shard: ${String(input.ShardId)}`,
      );
    const type = String(input.ShardIteratorType);
    let position: number;
    if (type === 'TRIM_HORIZON') position = shard.trimmed;
    else if (type === 'LATEST') position = shard.records.length;
    else if (type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') {
      const sequence = String(input.SequenceNumber);
      if (shard.trimmedSequences.has(sequence)) {
        throw new ServiceError(
          'TrimmedDataAccessException',
          `sequence ${sequence} is beyond the trim horizon`,
        );
      }
      const index = shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === sequence);
      if (index === -1)
        throw new ServiceError('ValidationException', `sequence ${sequence} not in shard ${shard.id}`);
      position = type === 'AT_SEQUENCE_NUMBER' ? index : index + 1;
    } else throw new ServiceError('ValidationException', `bad ShardIteratorType ${type}`);
    return { ShardIterator: this.issue(shard.id, position) };
  }

  private getRecords(input: Record<string, unknown>): unknown {
    const state = this.iterators.get(String(input.ShardIterator));
    if (!state) throw new ServiceError('ValidationException', 'Invalid ShardIterator');
    if (state.generation < this.expiredBefore)
      throw new ServiceError('ExpiredIteratorException', 'Iterator expired');
    const shard = this.shards.get(state.shardId);
    if (!shard)
      throw new ServiceError(
        'ResourceNotFoundException',
        `Requested resource not found: Shard: ${state.shardId}`,
      );
    if (state.position < shard.trimmed) {
      throw new ServiceError('TrimmedDataAccessException', 'the iterator points at trimmed records');
    }
    const limit = Number(input.Limit ?? 1000);
    const records = shard.records.slice(state.position, state.position + limit);
    const next = state.position + records.length;
    const atEnd = shard.closed && next >= shard.records.length;
    return {
      Records: records.map(toWire),
      ...(atEnd ? {} : { NextShardIterator: this.issue(shard.id, next) }),
    };
  }
}

/** Waits until `condition` holds (polling every 5 ms), or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
