import { AsyncLocalStorage } from 'node:async_hooks';

// The user a request runs for, for code deep below the controller that needs to know whom to
// charge (the per-user Intercom budget) without every service passing it down.
export interface RequestUser {
  userId: string | undefined;
  // Intercom calls this request has made so far.
  intercomCalls: number;
}

const requestUsers = new AsyncLocalStorage<RequestUser>();

// Called by the session guard at the start of an authenticated request: everything the request
// runs afterwards (the handler, its promises and timers) sees the same holder. The user id is
// filled in once the session is verified.
export function enterRequestUser(): RequestUser {
  const holder: RequestUser = { userId: undefined, intercomCalls: 0 };
  requestUsers.enterWith(holder);
  return holder;
}

// Undefined outside a user's request (webhooks, jobs, boot).
export function currentRequestUser(): RequestUser | undefined {
  return requestUsers.getStore();
}
