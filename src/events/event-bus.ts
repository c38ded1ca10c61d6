// Fan-out between instances: "user U has events up to seq S", never payloads (the log in
// Postgres is the source of truth; a bus message only says where to look). Published after the
// appending transaction commits. One implementation today (Postgres LISTEN/NOTIFY); Redis
// Streams or NATS JetStream can replace it behind this interface when commit rates grow.
export interface EventBus {
  publish(heads: readonly UserHead[]): Promise<void>;
  // Every instance's subscriber hears every head, its own included.
  subscribe(handler: (head: UserHead) => void): void;
  // The bus may have dropped messages (a reconnect): subscribers re-read what they follow.
  onGap(handler: () => void): void;
}

export interface UserHead {
  userId: string;
  seq: number;
}

export const EVENT_BUS = Symbol('EVENT_BUS');
