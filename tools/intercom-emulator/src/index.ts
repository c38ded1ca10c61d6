export { startIntercomEmulator, type EmulatorOptions, type RunningEmulator } from './server';
export { BOT_ADMIN_ID, OPERATOR_ADMIN_ID, Store } from './store';
export { Operator } from './operator';
export { signWebhook } from './webhooks';
export { loadContract, SERVED_OPERATIONS, type Contract, type ContractError } from './openapi';
export { SPEC_EXCEPTIONS } from './spec-exceptions';
export type { FaultSpec, Fault } from './faults';
export type { EmulatorControl, Violation, RequestLogEntry, SentWebhook } from './types';
export type { WebhookDelivery } from './webhooks';
