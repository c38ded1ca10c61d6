import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { IntercomService, type IntercomTicketState, type IntercomTicketType } from '../intercom/intercom.service';

export interface TicketCatalog {
  types: ReadonlyMap<string, IntercomTicketType>;
  states: readonly IntercomTicketState[];
}

// Ticket types and states change rarely: keep them in memory for TICKET_CATALOG_TTL_SECONDS so a
// ticket read costs one Intercom call. Concurrent misses share one fetch; failures are not cached.
@Injectable()
export class TicketCatalogService {
  private cached: { catalog: TicketCatalog; expiresAt: number } | undefined;
  private inflight: Promise<TicketCatalog> | undefined;

  constructor(
    private readonly intercom: IntercomService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(): Promise<TicketCatalog> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.catalog;
    this.inflight ??= this.load().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async load(): Promise<TicketCatalog> {
    const [types, states] = await Promise.all([this.intercom.listTicketTypes(), this.intercom.listTicketStates()]);
    const catalog: TicketCatalog = { types: new Map(types.filter((type) => type.id).map((type) => [type.id!, type])), states };
    this.cached = { catalog, expiresAt: Date.now() + this.config.tickets.catalogTtlMs };
    return catalog;
  }
}
