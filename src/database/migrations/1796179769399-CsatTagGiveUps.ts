import type { MigrationInterface, QueryRunner } from 'typeorm';

// A CSAT tag the follow-up gave up on (Intercom refused it for good) is kept on its rating, so ops
// can list and replay it (npm run webhooks:failed / webhooks:replay).
export class CsatTagGiveUps1796179769399 implements MigrationInterface {
  name = 'CsatTagGiveUps1796179769399';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "csat_ratings" ADD "tag_failed_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "csat_ratings" ADD "tag_error" character varying(500)');
    await queryRunner.query(
      'CREATE INDEX "ix_csat_ratings_tag_failed" ON "csat_ratings"  ("tag_failed_at") WHERE tag_failed_at IS NOT NULL',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_csat_ratings_tag_failed"');
    await queryRunner.query('ALTER TABLE "csat_ratings" DROP COLUMN "tag_error"');
    await queryRunner.query('ALTER TABLE "csat_ratings" DROP COLUMN "tag_failed_at"');
  }
}
