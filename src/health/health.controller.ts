import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { type BuildInfo, packageVersion } from './build-info';
import { LivenessDto, ReadinessDto } from './health.dto';
import { ReadinessService } from './readiness.service';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  private readonly build: BuildInfo;

  constructor(
    private readonly readinessService: ReadinessService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.build = { version: packageVersion(), commit: config.commit ?? null };
  }

  @Get('health')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: 200 whenever the process is up; carries the build version' })
  @ApiOkResponse({ type: LivenessDto })
  liveness(): LivenessDto {
    return { status: 'ok', ...this.build };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and the Intercom circuit is not open' })
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'Not ready (the body says which check failed)' })
  async readiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
    const readiness = await this.readinessService.check();
    void reply.status(readiness.status === 'ok' ? 200 : 503);
    return readiness;
  }
}
