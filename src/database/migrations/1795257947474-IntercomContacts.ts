import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IntercomContacts1795257947474 implements MigrationInterface {
  name = 'IntercomContacts1795257947474';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "intercom_contacts" ("user_id" character varying(160) NOT NULL, "contact_id" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_389bbb32677e94d1fda6448c9be" PRIMARY KEY ("user_id"))',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "intercom_contacts"');
  }
}
