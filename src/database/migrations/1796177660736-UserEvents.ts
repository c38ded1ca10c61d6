import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UserEvents1796177660736 implements MigrationInterface {
  name = 'UserEvents1796177660736';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "stream_tickets" ("ticket_hash" character varying(64) NOT NULL, "user_id" character varying(160) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_bed1d860ad2b9d65d96c21bb8c4" PRIMARY KEY ("ticket_hash"))',
    );
    await queryRunner.query('CREATE INDEX "ix_stream_tickets_expires" ON "stream_tickets"  ("expires_at") ');
    await queryRunner.query(
      'CREATE TABLE "user_event_heads" ("user_id" character varying(160) NOT NULL, "last_seq" bigint NOT NULL DEFAULT \'0\', "pruned_through" bigint NOT NULL DEFAULT \'0\', CONSTRAINT "PK_405cbdfea7e72fe2cddad28239f" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "user_events" ("user_id" character varying(160) NOT NULL, "seq" bigint NOT NULL, "type" character varying(64) NOT NULL, "payload" jsonb NOT NULL, "dedupe_key" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_67df162dad1fcd211d69e498573" PRIMARY KEY ("user_id", "seq"))',
    );
    await queryRunner.query('CREATE INDEX "ix_user_events_created" ON "user_events"  ("created_at") ');
    await queryRunner.query('CREATE UNIQUE INDEX "ux_user_events_dedupe" ON "user_events"  ("user_id", "dedupe_key") ');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ux_user_events_dedupe"');
    await queryRunner.query('DROP INDEX "public"."ix_user_events_created"');
    await queryRunner.query('DROP TABLE "user_events"');
    await queryRunner.query('DROP TABLE "user_event_heads"');
    await queryRunner.query('DROP INDEX "public"."ix_stream_tickets_expires"');
    await queryRunner.query('DROP TABLE "stream_tickets"');
  }
}
