import type { MigrationInterface, QueryRunner } from 'typeorm';

// Dead letters (failed_at set) are few: a partial index lets /metrics count them on every scrape
// and `npm run webhooks:failed` list them without scanning the whole inbox.
export class WebhookEventsFailedIndex1796177909679 implements MigrationInterface {
  name = 'WebhookEventsFailedIndex1796177909679';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "ix_webhook_events_failed" ON "webhook_events"  ("failed_at") WHERE failed_at IS NOT NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_webhook_events_failed"');
  }
}
