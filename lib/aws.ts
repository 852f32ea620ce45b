// `memory-cdc/aws`: the adapters that call AWS (each loads its SDK client) and the Lambda handler
// factories. Re-exports only; the pure core is the root export (`memory-cdc`).

export { createArchiverHandler } from './archive/createArchiverHandler.js';
export { openArchiveReader } from './archive/openArchiveReader.js';
export { restoreArchive } from './archive/restoreArchive.js';
export {
  createRouterHandler,
  type RouterContext,
  type RouterHandler,
  type RouterOverrides,
} from './delivery/createRouterHandler.js';
export { S3DeadLetterStore } from './delivery/S3DeadLetterStore.js';
export { ShardWalker } from './live/ShardWalker.js';
export { S3ArchiveSink } from './sinks/archive/S3ArchiveSink.js';
export { EventBridgePublisher } from './sinks/eventbridge/EventBridgePublisher.js';
export { KinesisPublisher } from './sinks/kinesis/KinesisPublisher.js';
export { BedrockTitanEmbedder } from './vector/BedrockTitanEmbedder.js';
export { S3VectorsIndex } from './vector/backends/S3VectorsIndex.js';
export {
  createVectorSyncHandler,
  type VectorSyncContext,
  type VectorSyncHandler,
  type VectorSyncOverrides,
} from './vector/createVectorSyncHandler.js';
