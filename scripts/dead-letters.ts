// `npm run webhooks:failed`: lists dead letters (webhook events that failed for good, CSAT tags
// Intercom refused for good). `npm run webhooks:replay -- <id>… | --all`: puts them back in their
// queues; a running instance processes them. Needs DATABASE_URL (the service's database).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '../src/config/config';
import { ConfigError } from '../src/config/env-reader';
import { DeadLettersCliModule } from '../src/dead-letters/dead-letters.module';
import { type DeadLetter, DeadLettersService } from '../src/dead-letters/dead-letters.service';

const USAGE = 'usage: dead-letters.ts list | replay <id>… | replay --all';

export function formatDeadLetters(letters: DeadLetter[]): string {
  if (letters.length === 0) return 'No dead letters.\n';
  const rows = letters.map((letter) => [
    letter.id,
    letter.subject,
    letter.failedAt.toISOString(),
    letter.attempts === null ? '-' : String(letter.attempts),
    (letter.error ?? '').replace(/\s+/g, ' ').slice(0, 120),
  ]);
  const header = ['id', 'what', 'failed at', 'attempts', 'last error'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n${letters.length} dead letter(s).\n`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'list' && command !== 'replay') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (command === 'replay' && args.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // This process only reads and re-queues: no metrics listener, no inbox workers, no job workers
  // (a replayed CSAT tag is for the running service to apply).
  const loaded = loadConfig({ ...process.env, METRICS_PORT: '0', WEBHOOK_WORKERS: '0' });
  const config = { ...loaded, jobs: { ...loaded.jobs, work: false } };
  if (!config.database.url) throw new ConfigError('DATABASE_URL is required (the database of the service whose dead letters to show)');
  const app = await NestFactory.createApplicationContext(DeadLettersCliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const deadLetters = app.get(DeadLettersService);
    if (command === 'list') {
      process.stdout.write(formatDeadLetters(await deadLetters.list()));
      return 0;
    }
    if (args.includes('--all')) {
      const replayed = await deadLetters.replayAll();
      process.stdout.write(`${replayed.map((id) => `replayed ${id}\n`).join('')}${replayed.length} replayed.\n`);
      return 0;
    }
    let missing = 0;
    for (const id of args) {
      const replayed = await deadLetters.replay(id);
      if (!replayed) missing += 1;
      process.stdout.write(replayed ? `replayed ${id}\n` : `no dead letter ${id}\n`);
    }
    return missing === 0 ? 0 : 1;
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError ? `Invalid configuration: ${error.message}` : String(error)}\n`);
      process.exit(1);
    },
  );
}
