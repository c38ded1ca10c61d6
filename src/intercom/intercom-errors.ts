import { AppError } from '../common/errors';

// The outcomes features decide on, named: they never look at Intercom's HTTP statuses.

// Intercom cannot answer now (down, timing out, circuit open, rate limited): worth retrying later.
export class IntercomUnavailableError extends AppError {
  constructor(message = 'Intercom is unavailable') {
    super('service_unavailable', message);
  }
}

// Intercom has no such object (a 404). Reads turn it into `undefined` (IntercomService); a write
// to a missing object raises it.
export class IntercomNotFoundError extends AppError {
  constructor() {
    super('not_found', 'Not found');
  }
}

// Intercom refused the request itself (a 4xx other than 404/429): retrying the same request cannot
// help. Callers that expect a specific refusal get a subclass; everyone else sees a 502.
export class IntercomRejectedError extends AppError {
  constructor(private readonly upstreamStatus: number) {
    super('service_unavailable', 'Intercom could not process the request');
  }

  // For logs and dead letters: what Intercom answered.
  get detail(): string {
    return `Intercom ${this.upstreamStatus}: ${this.message}`;
  }

  // Only the Intercom layer maps statuses to named refusals.
  isStatus(status: number): boolean {
    return this.upstreamStatus === status;
  }
}

// Intercom answered 409 `conflict`: what was to be created exists already. For contacts its message
// names the existing one ("A contact matching those details already exists with id=…"; documented
// in Intercom-OpenAPI PR #543), which is how a create race is settled while search lags behind.
export class IntercomConflictError extends IntercomRejectedError {
  constructor(readonly existingId: string | undefined) {
    super(409);
  }
}

// Intercom refused a custom attribute nobody defined ("User attribute 'app_version' does not exist",
// the description's examples): the caller can drop it and keep the rest.
export class IntercomUnknownAttributeError extends IntercomRejectedError {
  constructor(readonly attribute: string) {
    super(400);
  }
}

// Intercom refused a customer's reply to a ticket (a 400: back-office and tracker tickets take none).
export class IntercomRepliesRefusedError extends IntercomRejectedError {
  constructor() {
    super(400);
  }
}
