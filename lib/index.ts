// The public API of memory-cdc (`import … from 'memory-cdc'`). Re-exports only; each concept lives in
// its own file. Nothing here loads an AWS SDK client: the adapters that call AWS are in
// `memory-cdc/aws` (lib/aws.ts), so a user of the pure core (decode, classify, route, match) pays
// for none of them.

export { buildEvents } from './catalog/buildEvents.js';
export { DETAIL_TYPES, ENTITY_LABELS } from './catalog/detailTypes.js';
export { eventIdFor } from './catalog/eventId.js';
export type * from './catalog/types.js';
export { DETAIL_VERSION, EVENT_SOURCE } from './catalog/types.js';
export { processStreamBatch } from './delivery/processStreamBatch.js';
export * from './errors.js';
export { classifyItem } from './layout/classifyItem.js';
export { detectLayout } from './layout/detectLayout.js';
export { gunzipAttributes } from './layout/gunzipAttributes.js';
export { agentMemoryLayout } from './layout/presets/agentMemory.js';
export { mastraLayout } from './layout/presets/mastra.js';
export { looksLikeMastra } from './layout/presets/mastraDetection.js';
export { sessionStateLayout, sessionTurnsLayout } from './layout/presets/sessionMemory.js';
export { PRESET_LAYOUTS, parseLayout, resolveLayout } from './layout/resolveLayout.js';
export type * from './layout/types.js';
export { toLambdaRecord } from './live/toLambdaRecord.js';
export { createLogger } from './logging/createLogger.js';
export { compilePattern, compileRules, InvalidPatternError, matchesPattern } from './patterns/index.js';
export { createPipeline } from './pipeline/createPipeline.js';
export type * from './pipeline/types.js';
export { toEventBridgeEvent } from './replay/eventBridgeEvent.js';
export { findFixtureFiles } from './replay/findFixtureFiles.js';
export { replay } from './replay/replay.js';
export { DEFAULT_ROUTING, resolveRouting } from './routing/defaultRouting.js';
export { routeEvents } from './routing/routeEvents.js';
export type * from './routing/types.js';
export { vectorOperationFor } from './routing/vectorOperation.js';
export { LocalArchiveSink } from './sinks/archive/LocalArchiveSink.js';
export type * from './sinks/types.js';
export { decodeRecord } from './stream/decodeRecord.js';
export { isTtlExpiry } from './stream/isTtlExpiry.js';
export { isExactDouble, toJsonNumber } from './stream/jsonNumber.js';
export type * from './stream/types.js';
export { memoryEventPattern } from './subscriptions/memoryEventPattern.js';
export { VectorSyncWorker } from './vector/VectorSyncWorker.js';
