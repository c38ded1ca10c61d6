export { createSupportClient, type SupportClient, type SupportClientOptions } from './client.js';
export { SupportApiError } from './errors.js';
export type { LiveOptions, LiveStatus, LiveSubscription, VisibilitySource } from './live.js';
export type { Session, SignInCredentials } from './session.js';
export type { UploadOptions, UploadProgress } from './upload.js';
export type * from './types.js';
