import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { IntercomModule } from '../intercom/intercom.module';
import { MetricsModule } from '../metrics/metrics.module';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), IntercomModule, MetricsModule],
  controllers: [HealthController],
  providers: [ReadinessService],
})
export class HealthModule {}
