import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConversationReadsAndTopics1795258137614 implements MigrationInterface {
  name = 'ConversationReadsAndTopics1795258137614';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "conversation_topics" ("conversation_id" character varying(64) NOT NULL, "user_id" character varying(160) NOT NULL, "main" character varying(100) NOT NULL, "sub" character varying(100), "hidden_part_id" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_950fe073f1adef8a0fd3d616f28" PRIMARY KEY ("conversation_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "conversation_reads" ("user_id" character varying(160) NOT NULL, "conversation_id" character varying(64) NOT NULL, "read_up_to" bigint NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_05074524cfb8e1d6fad9fb51a90" PRIMARY KEY ("user_id", "conversation_id"))',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "conversation_reads"');
    await queryRunner.query('DROP TABLE "conversation_topics"');
  }
}
