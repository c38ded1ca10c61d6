import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '../metrics/metrics.module';
import { ContactResolverService } from './contact-resolver.service';
import { IntercomContact } from './intercom-contact.entity';
import { IntercomGateway } from './intercom.gateway';
import { IntercomService } from './intercom.service';
import { IntercomUserBudget } from './user-call-budget';
import { IntercomWorkspaceSetup } from './workspace-setup';

@Module({
  imports: [TypeOrmModule.forFeature([IntercomContact]), MetricsModule],
  providers: [IntercomGateway, IntercomUserBudget, ContactResolverService, IntercomService, IntercomWorkspaceSetup],
  exports: [IntercomService, IntercomGateway, IntercomWorkspaceSetup],
})
export class IntercomModule {}
