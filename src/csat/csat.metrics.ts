import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service';

// csat_tag_dead_letters, read from csat_ratings at scrape time (a partial index holds exactly those
// rows). The table is shared, so every instance reports the same number: alerts take max().
@Injectable()
export class CsatMetrics {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: MetricsService,
  ) {
    metrics.onScrape(async () => {
      metrics.csatTagDeadLetters.reset();
      const [row] = await this.dataSource.query<{ failed: number }[]>(
        'SELECT count(*)::int AS failed FROM csat_ratings WHERE tag_failed_at IS NOT NULL',
      );
      metrics.csatTagDeadLetters.set(row.failed);
    });
  }
}
