/**
 * The metadata `MemoryCdc` writes into templates for `memory-cdc rules`: under this key, the
 * template's `Metadata` lists the memory buses (`{ eventBuses: [name or { Ref }] }`) and each rule
 * created by `onEvent` carries its subscription id (`{ subscription: id }`).
 */
export const MEMORY_CDC_METADATA = 'memory-cdc';
