import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { isDigits } from '../common/digits';
import { takeOverSocket } from '../common/http-layer';
import { AppError } from '../common/errors';
import { EventsHub } from './events-hub';
import { type IssuedTicket, StreamTicketsService } from './stream-tickets.service';

const SEQ_MAX_DIGITS = 15; // below 2^53

// The stream's HTTP edge: who (bearer or ticket), from where (Last-Event-ID / ?lastEventId=), then
// hands the raw response to the hub. Every refusal is the JSON envelope, before any stream byte.
@Injectable()
export class EventsService {
  private readonly logger = new Logger('EventsService');

  constructor(
    private readonly tickets: StreamTicketsService,
    private readonly hub: EventsHub,
  ) {}

  issueTicket(userId: string): Promise<IssuedTicket> {
    return this.tickets.issue(userId);
  }

  async stream(request: AuthenticatedRequest, reply: FastifyReply): Promise<void> {
    const query = request.query as { ticket?: unknown; lastEventId?: unknown };
    // The session guard admitted a bearer token (request.user), or left a ticket to redeem here.
    const userId = request.user?.userId ?? (await this.redeem(query.ticket));
    const lastEventId = parseLastEventId(query.lastEventId, request.headers['last-event-id']);
    const plan = await this.hub.plan(userId, lastEventId);
    // A refusal here is still the envelope: the reply is Fastify's until the socket is taken over.
    const socket = takeOverSocket(request.raw, reply.raw, {
      ...reply.getHeaders(),
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      // A stream's socket is not reused: when the stream ends (shutdown, replaced, dropped), it closes,
      // so a closing server never waits for it as an idle keep-alive connection.
      connection: 'close',
    });
    reply.hijack();
    // Frames go out as written (no Nagle delay on small events).
    socket.setNoDelay(true);
    // Fastify's "request completed" line (logging.ts) needs the response to finish, which a taken
    // over socket's never does: the stream logs its own end, with only the id held meanwhile.
    const requestId = request.id;
    const startedAt = performance.now();
    socket.once('close', () => {
      const responseTimeMs = Math.round(performance.now() - startedAt);
      this.logger.log({ requestId, method: 'GET', path: '/api/events', statusCode: 200, responseTimeMs }, 'request completed');
    });
    await this.hub.attach(userId, socket, plan);
  }

  private redeem(ticket: unknown): Promise<string> {
    if (typeof ticket !== 'string') throw new AppError('unauthorized', 'Invalid, used or expired stream ticket');
    return this.tickets.redeem(ticket);
  }
}

// The query wins over the header (a restarted client states where it is). A header that is not
// one of our ids counts as unknown (→ reset); a malformed query parameter is the caller's error.
function parseLastEventId(fromQuery: unknown, fromHeader: string | string[] | undefined): number | undefined {
  if (fromQuery !== undefined) {
    if (typeof fromQuery !== 'string' || !isDigits(fromQuery, SEQ_MAX_DIGITS)) {
      throw new AppError('validation_error', 'lastEventId must be a non-negative integer');
    }
    return Number(fromQuery);
  }
  if (fromHeader === undefined) return undefined;
  const header = Array.isArray(fromHeader) ? fromHeader[0] : fromHeader;
  if (header.trim() === '') return undefined;
  return isDigits(header.trim(), SEQ_MAX_DIGITS) ? Number(header.trim()) : Number.MAX_SAFE_INTEGER;
}
