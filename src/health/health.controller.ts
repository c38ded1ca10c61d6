import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth.decorators';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { IntercomGateway } from '../intercom/intercom.gateway';
import { type BuildInfo, packageVersion } from './build-info';
import { LivenessDto, ReadinessDto } from './health.dto';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  private readonly build: BuildInfo;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly intercom: IntercomGateway,
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
    const database = await this.databaseUp();
    // Half-open counts as ready: the breaker is probing and traffic is what heals it.
    const intercom = this.intercom.state;
    const ready = database && intercom !== 'open';
    void reply.status(ready ? 200 : 503);
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
