import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PushEventIdsAndStreamPresence1796183018605 implements MigrationInterface {
  name = 'PushEventIdsAndStreamPresence1796183018605';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "stream_presence" ("user_id" character varying(160) NOT NULL, "instance_id" uuid NOT NULL, "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_21d783d02d827e27c2ed493cc81" PRIMARY KEY ("user_id", "instance_id"))',
    );
    await queryRunner.query('ALTER TABLE "push_deliveries" ADD "event_id" bigint');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "push_deliveries" DROP COLUMN "event_id"');
    await queryRunner.query('DROP TABLE "stream_presence"');
  }
}
