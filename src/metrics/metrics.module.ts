import { Module } from '@nestjs/common';
import { MetricsListener } from './metrics.listener';
import { MetricsService } from './metrics.service';

// Prometheus metrics (api.md › Metrics): import this module where a feature updates its metrics.
@Module({ providers: [MetricsService, MetricsListener], exports: [MetricsService] })
export class MetricsModule {}
