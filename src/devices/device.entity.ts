import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type DevicePlatform = 'mobile' | 'tma';
export const DEVICE_PLATFORMS: readonly DevicePlatform[] = ['mobile', 'tma'];

// A push target. (platform, token) is unique: a token belongs to whoever registered it last.
@Entity('devices')
@Unique('uq_devices_platform_token', ['platform', 'token'])
@Index('ix_devices_user_registered', ['userId', 'registeredAt'])
export class Device {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  platform!: DevicePlatform;

  @Column({ type: 'varchar', length: 512 })
  token!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  // Last (re-)registration; the oldest by this are dropped when a user exceeds the device cap.
  @Column({ name: 'registered_at', type: 'timestamptz', default: () => 'now()' })
  registeredAt!: Date;
}
