import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { CsatRepository } from './csat.repository';

// csat_tag_dead_letters, read from csat_ratings at scrape time (a partial index holds exactly those
// rows). The table is shared, so every instance reports the same number: alerts take max().
@Injectable()
export class CsatMetrics {
  constructor(
    private readonly repository: CsatRepository,
    metrics: MetricsService,
  ) {
    metrics.onScrape(async () => {
      metrics.csatTagDeadLetters.reset();
      metrics.csatTagDeadLetters.set(await this.repository.countGivenUp());
    });
  }
}
