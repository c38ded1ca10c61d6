import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { ContactResolverService } from './contact-resolver.service';
import { IntercomGateway } from './intercom.gateway';
import { IntercomRepository } from './intercom.repository';
import { IntercomService } from './intercom.service';
import { IntercomUserBudget } from './user-call-budget';
import { IntercomWorkspaceSetup } from './workspace-setup';

@Module({
  imports: [MetricsModule],
  providers: [IntercomRepository, IntercomGateway, IntercomUserBudget, ContactResolverService, IntercomService, IntercomWorkspaceSetup],
  exports: [IntercomRepository, IntercomService, IntercomGateway, IntercomWorkspaceSetup],
})
export class IntercomModule {}
