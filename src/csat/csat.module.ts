import { Module } from '@nestjs/common';
import { IntercomModule } from '../intercom/intercom.module';
import { JobsModule } from '../jobs/jobs.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ComplaintsService } from './complaints.service';
import { CsatMetrics } from './csat.metrics';
import { CsatController } from './csat.controller';
import { CsatRepository } from './csat.repository';
import { CsatService } from './csat.service';

@Module({
  imports: [IntercomModule, JobsModule, MetricsModule],
  controllers: [CsatController],
  providers: [CsatRepository, CsatService, ComplaintsService, CsatMetrics],
  exports: [CsatRepository, CsatService],
})
export class CsatModule {}
