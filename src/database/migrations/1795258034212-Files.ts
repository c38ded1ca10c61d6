import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Files1795258034212 implements MigrationInterface {
  name = 'Files1795258034212';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "files" ("id" uuid NOT NULL, "owner_id" text NOT NULL, "storage_key" character varying(512) NOT NULL, "content_type" character varying(100) NOT NULL, "size" integer NOT NULL, "name" character varying(255) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_e916afbf2015d561fd0842ff898" UNIQUE ("storage_key"), CONSTRAINT "PK_6c16b9093a142e0e7613b04a3d9" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "files_owner_created_idx" ON "files"  ("owner_id", "created_at") ');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."files_owner_created_idx"');
    await queryRunner.query('DROP TABLE "files"');
  }
}
