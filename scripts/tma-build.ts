// Builds the reference Mini App (apps/tma → apps/tma/dist) when its build is missing or older than
// its sources or the SDK's: used by `npm run dev` and the test run, so a fresh clone needs no extra step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const TMA_APP_DIR = join(ROOT, 'apps', 'tma');
export const TMA_DIST_DIR = join(TMA_APP_DIR, 'dist');
const SOURCES = [
  join(TMA_APP_DIR, 'src'),
  join(TMA_APP_DIR, 'index.html'),
  join(TMA_APP_DIR, 'vite.config.ts'),
  join(ROOT, 'packages', 'sdk', 'src'),
];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

export function miniAppBuildIsCurrent(): boolean {
  const index = join(TMA_DIST_DIR, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= Math.max(...SOURCES.map(newestMtime));
}

export function buildMiniApp(): void {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: TMA_APP_DIR, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`Mini App build failed (exit ${result.status ?? result.signal})`);
}

export function ensureMiniAppBuilt(): void {
  if (!miniAppBuildIsCurrent()) buildMiniApp();
}

if (require.main === module) buildMiniApp();
