import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CsatAndComplaints1795258142800 implements MigrationInterface {
  name = 'CsatAndComplaints1795258142800';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "complaints" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" text NOT NULL, "category" character varying(16) NOT NULL, "description" text NOT NULL, "chat_id" character varying(128), "dialog_id" character varying(128), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_complaints_category" CHECK ("category" IN (\'funds\', \'security\', \'operator\', \'technical\', \'other\')), CONSTRAINT "PK_4b7566a2a489c2cc7c12ed076ad" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_complaints_user_created" ON "complaints"  ("user_id", "created_at") ');
    await queryRunner.query(
      'CREATE TABLE "csat_ratings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" text NOT NULL, "ticket_id" character varying(64), "conversation_id" character varying(64), "stars" smallint NOT NULL, "comment" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_csat_target" CHECK ("ticket_id" IS NOT NULL OR "conversation_id" IS NOT NULL), CONSTRAINT "ck_csat_stars" CHECK ("stars" BETWEEN 1 AND 5), CONSTRAINT "PK_70137dacc111eb7e24a549ef417" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_csat_user_conversation" ON "csat_ratings"  ("user_id", "conversation_id") WHERE "ticket_id" IS NULL',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_csat_user_ticket" ON "csat_ratings"  ("user_id", "ticket_id") WHERE "ticket_id" IS NOT NULL',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."uq_csat_user_ticket"');
    await queryRunner.query('DROP INDEX "public"."uq_csat_user_conversation"');
    await queryRunner.query('DROP TABLE "csat_ratings"');
    await queryRunner.query('DROP INDEX "public"."ix_complaints_user_created"');
    await queryRunner.query('DROP TABLE "complaints"');
  }
}
