import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientMessages1795258025795 implements MigrationInterface {
  name = 'ClientMessages1795258025795';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "client_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" character varying(160) NOT NULL, "client_message_id" character varying(128) NOT NULL, "scope" character varying(32) NOT NULL, "target_id" character varying(64), "part_id" character varying(64), "state" character varying(16) NOT NULL, "result" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bf489dda33931d20bef78142d09" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_client_messages_target" ON "client_messages"  ("target_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_client_messages_user_client_id" ON "client_messages"  ("user_id", "client_message_id") ',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."uq_client_messages_user_client_id"');
    await queryRunner.query('DROP INDEX "public"."ix_client_messages_target"');
    await queryRunner.query('DROP TABLE "client_messages"');
  }
}
