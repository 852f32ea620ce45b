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
  METRICS_SERVICE,
  MemoryCdc,
  type MemoryCdcFunctionCode,
  type MemoryCdcProps,
  type OnMemoryEventOptions,
  type StreamConsumerOptions,
  toCdkEventPattern,
} from './MemoryCdc.js';
export { MemoryCdcStack, type MemoryCdcStackProps } from './MemoryCdcStack.js';
export { memoryRulesFromTemplates } from './memoryRules.js';
