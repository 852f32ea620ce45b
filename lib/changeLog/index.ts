// The package entry `memory-cdc/change-log`: read the Kinesis change log from your own consumers.
export { encodeChangeLogData } from './encodeChangeLogData.js';
export { CHANGE_LOG_VERSION, type ChangeLogRecordData } from './format.js';
export { readChanges, readChangesFromData } from './readChanges.js';
