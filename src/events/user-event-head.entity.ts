import { Column, Entity, PrimaryColumn } from 'typeorm';

// One row per user: the seq counter. Appending takes this row's lock until commit, so a user's
// events commit in seq order and a reader that has seen seq N can never later find a smaller one.
@Entity('user_event_heads')
export class UserEventHead {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq!: string;

  // The highest seq the retention job has deleted: a resume from below it gets `reset`.
  @Column({ name: 'pruned_through', type: 'bigint', default: 0 })
  prunedThrough!: string;
}
