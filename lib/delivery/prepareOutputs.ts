/**
 * The first half of a publisher's delivery: each output serialized and sized, oversize details
 * parked as claim checks and their summaries sent in their place, what can never be sent rejected.
 * The per-output part (`prepareOutput`) runs on its own too: the batch processor has a publisher
 * do it right after the record's outputs are built, while they are still in the CPU cache.
 */
import type { MemoryEventDetail } from '../catalog/types.js';
import type { DeliveryTelemetry } from '../observability/DeliveryTelemetry.js';
import type { SinkName } from '../routing/types.js';
import { claimCheckAll } from '../sinks/claimCheck/claimCheckAll.js';
import { claimCheckedDetail } from '../sinks/claimCheck/claimCheckedDetail.js';
import type { ClaimCheckStore } from '../sinks/claimCheck/types.js';
import type { DeliveryOutcome } from '../sinks/types.js';
import { describeError } from './classifyError.js';
import { NOT_SENT } from './deliverInRounds.js';
import type { RetryPolicy } from './retryPolicy.js';
import { type SerializedDetail, serializeDetail } from './serializeDetail.js';

/** An output made ready to send: where it stands among the outputs (set on delivery), and its size. */
export interface PreparedOutput {
  index: number;
  bytes: number;
}

/** How a publisher makes one output ready: built once per publisher. */
export interface OutputPreparation<O, P extends PreparedOutput> {
  /** The sink, for claim-check keys, reasons and counters. */
  sink: SinkName;
  /** The detail an output carries: what is serialized, and claim-checked when too large. */
  detailOf(output: O): MemoryEventDetail;
  /** What the detail is called in reasons (`detail`, `data`). */
  detailName: string;
  /** Why an output can never be sent, checked before anything else; `undefined` when it can. */
  invalid?(output: O): string | undefined;
  /**
   * What is sent for an output, its detail serialized (or the claim-checked summary of it), with
   * `index` still to be set. The serialization is shared with every other publisher given the
   * same detail object.
   */
  prepare(output: O, detail: SerializedDetail): P;
  /** The size limit an output broke, in bytes, for reasons. */
  limitBytes: number;
  /** What the limit is called in reasons (`limit`, `record limit`). */
  limitName: string;
  /** True when a prepared output is within the limit. */
  fits(prepared: P): boolean;
}

/** Options for {@link prepareOutputs}: a publisher's preparation and its claim-check settings. */
export interface PrepareOutputsOptions<O, P extends PreparedOutput> extends OutputPreparation<O, P> {
  /** Where oversize details go. Without it an oversize output is rejected (dead-lettered). */
  claimCheck: ClaimCheckStore | undefined;
  /** Retries of claim-check writes. */
  policy: RetryPolicy;
  signal?: AbortSignal;
  telemetry?: DeliveryTelemetry;
}

/** What a publisher's claim checks need besides its preparation: where oversize details go, and how. */
export type ClaimCheckSettings = Pick<
  PrepareOutputsOptions<unknown, PreparedOutput>,
  'claimCheck' | 'policy' | 'telemetry'
>;

/**
 * A publisher's preparation with its claim-check settings: what its `Sink.prepare` (one output,
 * while the record is hot) and the first step of its `deliver` (every output, claim checks
 * written) call, so every publisher prepares outputs the same way.
 */
export class OutputPreparer<O, P extends PreparedOutput> {
  constructor(
    private readonly preparation: OutputPreparation<O, P>,
    private readonly claimChecks: ClaimCheckSettings,
  ) {}

  /** One output: see {@link prepareOutput}. */
  prepare(output: O): PreparedResult<P> {
    return prepareOutput(output, this.preparation);
  }

  /** The outputs of one delivery, with what `prepare` made of them earlier: see {@link prepareOutputs}. */
  prepareAll(
    outputs: readonly O[],
    signal: AbortSignal | undefined,
    prepared: readonly PreparedResult<P>[] | undefined,
  ): Promise<PreparedOutputs<P>> {
    return prepareOutputs(outputs, { ...this.preparation, ...this.claimChecks, signal }, prepared);
  }
}

/** An output that can never be sent as it is: why. */
export class RefusedOutput {
  constructor(readonly outcome: DeliveryOutcome) {}
}

/** An output whose detail is too large to send: it goes to the claim-check store first. */
export class OversizeOutput {
  constructor(
    readonly detail: MemoryEventDetail,
    /** The detail serialized (what the claim-check object holds). */
    readonly body: string,
  ) {}
}

/** One output as {@link prepareOutput} left it. */
export type PreparedResult<P> = P | RefusedOutput | OversizeOutput;

/**
 * Makes one output ready to send (`index` still to be set), or says why it is not: refused when
 * `invalid` says so or its detail cannot be serialized, oversize when it breaks the limit.
 */
export function prepareOutput<O, P extends PreparedOutput>(
  output: O,
  how: OutputPreparation<O, P>,
): PreparedResult<P> {
  const invalid = how.invalid?.(output);
  if (invalid !== undefined) return new RefusedOutput({ status: 'rejected', reason: invalid });
  const detail = how.detailOf(output);
  let detailJson: SerializedDetail;
  try {
    detailJson = serializeDetail(detail);
  } catch (error) {
    return new RefusedOutput({
      status: 'rejected',
      reason: `${how.detailName} is not serializable: ${describeError(error)}`,
    });
  }
  const prepared = how.prepare(output, detailJson);
  return how.fits(prepared) ? prepared : new OversizeOutput(detail, detailJson.json);
}

/** What {@link prepareOutputs} returns. */
export interface PreparedOutputs<P> {
  /** What to send, in output order. */
  ready: P[];
  /** Per output: why it cannot be sent, or `retryable: not sent` for the ones in `ready`. */
  outcomes: DeliveryOutcome[];
}

/**
 * Makes outputs ready to send. Each detail is serialized once however many publishers send it
 * (`serializeDetail`): the EventBridge entry and the change-log record share one JSON text. An
 * output is rejected when `invalid` says so or its detail cannot be serialized; one over the limit
 * has its detail written to the claim-check store and is sent as the claim-checked summary instead
 * (rejected when even that is too large or there is no store, retryable when the write failed).
 * What is ready keeps the order of the outputs.
 *
 * @example
 * ```ts
 * const { ready, outcomes } = await prepareOutputs(outputs, {
 *   sink: 'eventbridge',
 *   detailOf: (output) => output.payload.Detail,
 *   detailName: 'detail',
 *   prepare: (output, detail) => ({ index: -1, json: detail.json, bytes: Buffer.byteLength(detail.json) }),
 *   limitBytes: 1_000_000,
 *   limitName: 'limit',
 *   fits: (prepared) => prepared.bytes < 1_000_000,
 *   claimCheck: new S3ClaimCheckStore({ client: new S3Client({}), bucket: 'claim-checks' }),
 *   policy: DEFAULT_RETRY_POLICY,
 * });
 * ```
 * @param prepared what {@link prepareOutput} made of each output earlier (one per output, in
 *   order, each for this delivery only); without it each output is prepared here
 */
export async function prepareOutputs<O, P extends PreparedOutput>(
  outputs: readonly O[],
  options: PrepareOutputsOptions<O, P>,
  prepared?: readonly PreparedResult<P>[],
): Promise<PreparedOutputs<P>> {
  const given = prepared !== undefined && prepared.length === outputs.length ? prepared : undefined;
  const outcomes: DeliveryOutcome[] = new Array(outputs.length).fill(NOT_SENT);
  const ready: P[] = [];
  let oversize: { index: number; detail: MemoryEventDetail; body: string }[] | undefined;

  for (let index = 0; index < outputs.length; index++) {
    const result = given ? given[index]! : prepareOutput(outputs[index]!, options);
    if (result instanceof RefusedOutput) outcomes[index] = result.outcome;
    else if (result instanceof OversizeOutput) {
      oversize ??= [];
      oversize.push({ index, detail: result.detail, body: result.body });
    } else {
      result.index = index;
      ready.push(result);
    }
  }
  if (oversize === undefined) return { ready, outcomes };

  const parked = await claimCheckAll(oversize, {
    store: options.claimCheck,
    sink: options.sink,
    limitBytes: options.limitBytes,
    policy: options.policy,
    signal: options.signal,
    telemetry: options.telemetry,
  });
  parked.forEach((result, position) => {
    const { index, detail } = oversize[position]!;
    if ('outcome' in result) {
      outcomes[index] = result.outcome;
      return;
    }
    const summary = serializeDetail(claimCheckedDetail(detail, result.claimCheck));
    const prepared = options.prepare(outputs[index]!, summary);
    prepared.index = index;
    if (options.fits(prepared)) ready.push(prepared);
    else {
      outcomes[index] = {
        status: 'rejected',
        reason: `claim-check summary of ${prepared.bytes} bytes still exceeds the ${options.limitBytes}-byte ${options.limitName}`,
      };
    }
  });
  ready.sort((a, b) => a.index - b.index);
  return { ready, outcomes };
}
