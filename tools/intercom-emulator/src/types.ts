import type { ContractError } from './openapi';
import type { Fault, FaultSpec } from './faults';
import type { WebhookDelivery } from './webhooks';

export interface Violation {
  kind: 'request' | 'response' | 'unknown_operation';
  method: string;
  path: string;
  operationId: string | null;
  status?: number;
  errors: ContractError[];
  at: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Template as in the description, e.g. /conversations/{conversation_id}; null = no such route. */
  route: string | null;
  operationId: string | null;
  status: number | null;
  at: number;
}

export interface SentWebhook {
  id: string;
  topic: string;
  body: Record<string, unknown>;
}

/** Test control, both programmatic and over HTTP under /_emulator. */
export interface EmulatorControl {
  /**
   * A conversation no API call can start: an outbound Series / campaign message (delivered_as
   * `automated` by default, or `campaigns_initiated` / `operator_initiated`) from the bot admin.
   */
  outboundConversation(contactId: string, body: string, deliveredAs?: 'automated' | 'campaigns_initiated' | 'operator_initiated'): string;
  addFault(spec: FaultSpec): Fault;
  clearFaults(id?: string): void;
  faults(): Fault[];
  /** Requests now held by `hang` faults. */
  hangingRequests(): number;
  requests(): RequestLogEntry[];
  /** Counts per "METHOD /template" (e.g. "POST /conversations/{conversation_id}/reply"). */
  requestCounts(): Record<string, number>;
  /** Calls to one "METHOD /template" key, or to a literal "METHOD /path". */
  count(method: string, pathOrTemplate: string): number;
  resetRequests(): void;
  violations(): Violation[];
  clearViolations(): void;
  webhooks(): { sent: SentWebhook[]; deliveries: WebhookDelivery[]; pending: number };
  clearWebhooks(): void;
  setWebhookUrl(url: string | undefined): void;
  /** Resolves when no webhook delivery is scheduled or in flight (or rejects after timeoutMs). */
  webhooksIdle(timeoutMs?: number): Promise<void>;
  /** Wipes state (contacts, conversations, tickets, tags, files) and logs, faults, violations. */
  reset(): void;
}
