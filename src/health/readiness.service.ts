import { Injectable } from '@nestjs/common';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { IntercomGateway } from '../intercom/intercom.gateway';
import { MetricsService } from '../metrics/metrics.service';
import type { ReadinessDto } from './health.dto';

// What /ready answers, also sampled as service_ready on every scrape (so alerts need no prober).
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly intercom: IntercomGateway,
    metrics: MetricsService,
  ) {
    metrics.onScrape(async () => metrics.serviceReady.set((await this.check()).status === 'ok' ? 1 : 0));
  }

  async check(): Promise<ReadinessDto> {
    const database = await this.databaseUp();
    // Half-open counts as ready: the breaker is probing and traffic is what heals it.
    const intercom = this.intercom.state;
    const ready = database && intercom !== 'open';
    return { status: ready ? 'ok' : 'unavailable', checks: { database: database ? 'up' : 'down', intercom } };
  }

  private async databaseUp(): Promise<boolean> {
    try {
      // Terminus's TypeORM indicator: SELECT 1 with a timeout.
      await this.health.check([() => this.database.pingCheck('database', { timeout: 1000 })]);
      return true;
    } catch {
      return false;
    }
  }
}
