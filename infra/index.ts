/** The CDK side of memory-cdc: the construct, the ready stack, and what subscriptions are built from. */

export {
  type MatchValue,
  type MemoryEventFilter,
  type MemoryEventPattern,
  memoryEventPattern,
} from '../lib/subscriptions/memoryEventPattern.js';
export { ArchiveTable, type ArchiveTableProps } from './ArchiveTable.js';
export { CatalogSchemaRegistry, type CatalogSchemaRegistryProps } from './CatalogSchemaRegistry.js';
export {
  type ConsumerName,
  type KinesisSourceStream,
  METRICS_SERVICE,
  MemoryCdc,
  type MemoryCdcFunctionCode,
  type MemoryCdcProps,
  type MemoryCdcSource,
  type MemoryCdcTableProps,
  type OnMemoryEventOptions,
  type StreamConsumerOptions,
  toCdkEventPattern,
} from './MemoryCdc.js';
export { MemoryCdcBus, type MemoryCdcBusProps } from './MemoryCdcBus.js';
export { MemoryCdcConsumers, type MemoryCdcConsumersProps } from './MemoryCdcConsumers.js';
export { MemoryCdcKinesisSource, type MemoryCdcKinesisSourceProps } from './MemoryCdcKinesisSource.js';
export {
  type ConsumerAlarms,
  MemoryCdcMonitoring,
  type MemoryCdcMonitoringProps,
  type MonitoredConsumer,
} from './MemoryCdcMonitoring.js';
export { MemoryCdcStack, type MemoryCdcStackProps } from './MemoryCdcStack.js';
export { MemoryCdcStorage, type MemoryCdcStorageProps } from './MemoryCdcStorage.js';
export { MemoryCdcSubscriptions, type MemoryCdcSubscriptionsProps } from './MemoryCdcSubscriptions.js';
export { MemoryCdcVectorIndex, type MemoryCdcVectorIndexProps } from './MemoryCdcVectorIndex.js';
export { memoryRulesFromTemplates } from './memoryRules.js';
