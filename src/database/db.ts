import type { DataSource, EntityManager } from 'typeorm';

// A database handle: the data source, or the manager of a transaction the caller holds.
export type Db = Pick<DataSource | EntityManager, 'query'>;
