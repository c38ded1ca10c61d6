import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { IntercomNotificationDto, WEBHOOK_BODY_LIMIT_BYTES, WebhookAckDto } from './dto/intercom-notification.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('intercom')
  @HttpCode(200)
  // rawJson: the body arrives as bytes; it is parsed only once its signature is verified.
  @RouteConfig({ bodyLimit: WEBHOOK_BODY_LIMIT_BYTES, rawJson: true })
  @ApiOperation({
    summary: 'Intercom webhook',
    description:
      'Verified by X-Hub-Signature (HMAC-SHA1 of the raw body with the client secret), recorded durably (unique on the notification id), acknowledged, then processed asynchronously. A redelivered id is acknowledged and not processed again; `ping` is acknowledged. Body at most 1 MB.',
  })
  @ApiHeader({ name: 'X-Hub-Signature', required: true, description: '`sha1=<hex HMAC-SHA1 of the raw body>`' })
  @ApiBody({ type: IntercomNotificationDto })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiErrors(
    ['unauthorized', 'missing, malformed or wrong signature (checked over the raw bytes, before the body is parsed)'],
    [
      'rate_limited',
      'more than RATE_LIMIT_WEBHOOK_FAILURES_PER_IP_PER_MIN badly signed requests a minute from this IP (a signed one is never limited)',
    ],
    ['bad_request', 'not JSON, or not a JSON object'],
    ['validation_error', 'not an Intercom notification (type, id, topic, data.item)'],
    ['payload_too_large', 'body over 1 MB'],
  )
  receive(@Req() request: FastifyRequest, @Headers('x-hub-signature') signature: string | undefined): Promise<WebhookAckDto> {
    return this.webhooks.receive(request.rawBody, signature, request.ip);
  }
}
