import { Module } from '@nestjs/common';
import { IntercomModule } from '../intercom/intercom.module';
import { JobsModule } from '../jobs/jobs.module';
import { ComplaintsService } from './complaints.service';
import { CsatController } from './csat.controller';
import { CsatService } from './csat.service';

@Module({
  imports: [IntercomModule, JobsModule],
  controllers: [CsatController],
  providers: [CsatService, ComplaintsService],
  exports: [CsatService],
})
export class CsatModule {}
