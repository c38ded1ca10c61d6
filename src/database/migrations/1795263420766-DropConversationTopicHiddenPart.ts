import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DropConversationTopicHiddenPart1795263420766 implements MigrationInterface {
  name = 'DropConversationTopicHiddenPart1795263420766';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "conversation_topics" DROP COLUMN "hidden_part_id"');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "conversation_topics" ADD "hidden_part_id" character varying(64)');
  }
}
