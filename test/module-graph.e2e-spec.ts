import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Injectable, Module, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '../src/config/config';
import { ConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { IntercomService } from '../src/intercom/intercom.service';
import { createTestDatabase } from './helpers/database';

const SRC = join(__dirname, '..', 'src');
// Wired by the app module itself (config, database) or being the app module.
const ROOT_MODULES = new Set(['config/config.module.ts', 'database/database.module.ts', 'app.module.ts']);

const MODULE_KEYS = new Set(['imports', 'providers', 'controllers', 'exports']);

function moduleFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return moduleFiles(path);
    return entry.name.endsWith('.module.ts') && !ROOT_MODULES.has(relative(SRC, path)) ? [path] : [];
  });
}

// Every @Module class of every src/**/*.module.ts (new modules are covered without listing them).
function featureModules(): [string, Type][] {
  return moduleFiles(SRC).flatMap((file) =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module files are found at run time
    Object.entries(require(file) as Record<string, unknown>).filter(
      (entry): entry is [string, Type] =>
        typeof entry[1] === 'function' && Reflect.getMetadataKeys(entry[1]).some((key) => MODULE_KEYS.has(key as string)),
    ),
  );
}

describe('module graph', () => {
  let config: ReturnType<typeof loadConfig>;
  beforeAll(async () => {
    config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: await createTestDatabase(), METRICS_PORT: '0', LOG_LEVEL: 'error' });
  });

  const compileAlone = async (feature: Type) => {
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), DatabaseModule, feature] }).compile();
    await moduleRef.close();
  };

  it('finds the feature modules', () => {
    expect(featureModules().map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'AuthModule',
        'HealthModule',
        'IntercomModule',
        'MessagesModule',
        'JobsModule',
        'ConversationsModule',
        'WebhooksModule',
      ]),
    );
  });

  // Only the config module is global (and the database's TypeORM core): a module that works here
  // alone declares every import it needs, so none can rely on another module being loaded first.
  it.each(featureModules())('%s compiles with only the config and the database beside it', async (_name, feature) => {
    await compileAlone(feature);
  });

  it('fails at boot, naming what is missing, when a module does not import what it uses', async () => {
    @Injectable()
    class NeedsIntercom {
      constructor(readonly intercom: IntercomService) {}
    }
    @Module({ providers: [NeedsIntercom] })
    class ForgetsIntercomModule {}
    await expect(compileAlone(ForgetsIntercomModule)).rejects.toThrow(/IntercomService/);
  });
});
