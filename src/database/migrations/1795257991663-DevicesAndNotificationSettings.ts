import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DevicesAndNotificationSettings1795257991663 implements MigrationInterface {
  name = 'DevicesAndNotificationSettings1795257991663';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "devices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" text NOT NULL, "platform" character varying(16) NOT NULL, "token" character varying(512) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "registered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_devices_platform_token" UNIQUE ("platform", "token"), CONSTRAINT "PK_b1514758245c12daf43486dd1f0" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_devices_user_registered" ON "devices"  ("user_id", "registered_at") ');
    await queryRunner.query(
      'CREATE TABLE "notification_settings" ("user_id" text NOT NULL, "chat_messages" boolean NOT NULL DEFAULT true, "ticket_updates" boolean NOT NULL DEFAULT true, "system_notices" boolean NOT NULL DEFAULT true, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_91a7ffebe8b406c4470845d4781" PRIMARY KEY ("user_id"))',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "notification_settings"');
    await queryRunner.query('DROP INDEX "public"."ix_devices_user_registered"');
    await queryRunner.query('DROP TABLE "devices"');
  }
}
