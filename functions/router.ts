/**
 * The router Lambda: consumes the memory table's DynamoDB Stream (or the Kinesis data stream the table
 * streams to: Kinesis Data Streams for DynamoDB), publishes domain events to
 * EventBridge and the ordered change log to Kinesis, and returns a partial batch response.
 * Environment: see `lib/config/routerConfig.ts`; wiring: `lib/delivery/createRouterHandler.ts`.
 */
import { loadRouterConfig } from '../lib/config/routerConfig.js';
import { createRouterHandler, type RouterHandler } from '../lib/delivery/createRouterHandler.js';

/** Built once per container, in Lambda's init phase: a bad configuration fails the deployment fast. */
export const handler: RouterHandler = createRouterHandler(loadRouterConfig(process.env));
