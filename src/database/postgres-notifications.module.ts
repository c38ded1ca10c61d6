import { Module } from '@nestjs/common';
import { PostgresNotifications } from './postgres-notifications';

// Imported by each feature that signals other instances; Nest keeps one instance (one LISTEN connection).
@Module({ providers: [PostgresNotifications], exports: [PostgresNotifications] })
export class PostgresNotificationsModule {}
