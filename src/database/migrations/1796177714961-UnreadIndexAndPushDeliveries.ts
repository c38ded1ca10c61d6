import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UnreadIndexAndPushDeliveries1796177714961 implements MigrationInterface {
  name = 'UnreadIndexAndPushDeliveries1796177714961';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "push_deliveries" ("id" BIGSERIAL NOT NULL, "user_id" character varying(160) NOT NULL, "source_key" character varying(200) NOT NULL, "content" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT \'pending\', "claims" integer NOT NULL DEFAULT \'1\', "claimed_until" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "uq_push_deliveries_user_source" UNIQUE ("user_id", "source_key"), CONSTRAINT "PK_5ce22daf7289b2e540fbe06f38e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_push_deliveries_pending" ON "push_deliveries"  ("claimed_until") WHERE status = \'pending\'');
    await queryRunner.query(
      'CREATE TABLE "user_languages" ("user_id" character varying(160) NOT NULL, "telegram_language" character varying(35), "contact_locale" character varying(35), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1f9e6f03b56e66eee864aa6af95" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "unread_index_users" ("user_id" character varying(160) NOT NULL, "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_04562c1d60df9326520b7bc8aaf" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "unread_messages" ("user_id" character varying(160) NOT NULL, "conversation_id" character varying(64) NOT NULL, "part_id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, "read" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_7b2a2f312c35281b72dcaa772a2" PRIMARY KEY ("user_id", "conversation_id", "part_id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_unread_messages_unread" ON "unread_messages"  ("user_id", "conversation_id") WHERE NOT read');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_unread_messages_unread"');
    await queryRunner.query('DROP TABLE "unread_messages"');
    await queryRunner.query('DROP TABLE "unread_index_users"');
    await queryRunner.query('DROP TABLE "user_languages"');
    await queryRunner.query('DROP INDEX "public"."ix_push_deliveries_pending"');
    await queryRunner.query('DROP TABLE "push_deliveries"');
  }
}
