import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UnattachedFiles1796194335298 implements MigrationInterface {
  name = 'UnattachedFiles1796194335298';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "files" ADD "attached_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "files" ADD "discarded_at" TIMESTAMP WITH TIME ZONE');
    // Files uploaded before attachments were recorded may be in messages: kept as attached, never swept.
    await queryRunner.query('UPDATE "files" SET "attached_at" = "created_at"');
    await queryRunner.query('CREATE INDEX "files_unattached_created_idx" ON "files"  ("created_at") WHERE "attached_at" IS NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."files_unattached_created_idx"');
    await queryRunner.query('ALTER TABLE "files" DROP COLUMN "discarded_at"');
    await queryRunner.query('ALTER TABLE "files" DROP COLUMN "attached_at"');
  }
}
