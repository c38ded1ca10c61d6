import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookEvents1795258351809 implements MigrationInterface {
  name = 'WebhookEvents1795258351809';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "webhook_events" ("id" character varying(128) NOT NULL, "topic" character varying(128) NOT NULL, "payload" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT \'0\', "last_error" character varying(500), "processed_at" TIMESTAMP WITH TIME ZONE, "failed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_4cba37e6a0acb5e1fc49c34ebfd" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_webhook_events_processed" ON "webhook_events"  ("processed_at") WHERE processed_at IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_webhook_events_due" ON "webhook_events"  ("next_attempt_at") WHERE processed_at IS NULL AND failed_at IS NULL',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_webhook_events_due"');
    await queryRunner.query('DROP INDEX "public"."ix_webhook_events_processed"');
    await queryRunner.query('DROP TABLE "webhook_events"');
  }
}
