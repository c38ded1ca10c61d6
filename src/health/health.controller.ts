import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth.decorators';
import { IntercomGateway } from '../intercom/intercom.gateway';
import { ReadinessDto } from './health.dto';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly intercom: IntercomGateway,
  ) {}

  @Get('health')
  @HttpCode(200)
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: ReadinessDto })
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
