import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { pendingSchemaChanges, runMigrationsLocked } from '../src/database/migrate';
import { createTestDatabase } from './helpers/database';

describe('Database migrations', () => {
  it('bring an empty database exactly to the schema the entities describe (no drift)', async () => {
    const dataSource = await new DataSource(dataSourceOptions(await createTestDatabase())).initialize();
    try {
      await runMigrationsLocked(dataSource);
      const pending = await pendingSchemaChanges(dataSource);
      // If this fails: run `npm run migration:generate -- <Name>` and commit the new migration.
      expect(pending.up).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('can be reverted step by step and re-applied', async () => {
    const dataSource = await new DataSource(dataSourceOptions(await createTestDatabase())).initialize();
    try {
      await runMigrationsLocked(dataSource);
      for (let step = 0; step < dataSource.migrations.length; step += 1) await dataSource.undoLastMigration();
      await runMigrationsLocked(dataSource);
      expect((await pendingSchemaChanges(dataSource)).up).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
