import { execFileSync } from 'node:child_process';

// Defaults `npm run dev` adds before the configuration is read (each variable set in the
// environment wins): development mode (the only one with dev secrets; anything else is
// production), readable log lines when attached to a terminal (JSON when piped, e.g. into a log
// tool), and the checkout's commit for /health.
export function applyDevEnvironment(env: NodeJS.ProcessEnv = process.env, isTty = Boolean(process.stdout.isTTY)): void {
  env.NODE_ENV ??= 'development';
  env.LOG_FORMAT ??= isTty ? 'pretty' : 'json';
  if (env.GIT_COMMIT === undefined) {
    const commit = gitHead();
    if (commit) env.GIT_COMMIT = commit;
  }
}

function gitHead(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined; // not a git checkout, or no git: /health says commit null
  }
}
