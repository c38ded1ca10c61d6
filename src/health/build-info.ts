import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface BuildInfo {
  // package.json's version.
  version: string;
  // GIT_COMMIT, set at image build time (Dockerfile ARG) or by `npm run dev` from git; else null.
  commit: string | null;
}

// package.json is found by walking up from this file: src/health in dev and tests, dist/src/health
// when built (the Dockerfile copies package.json beside dist/).
export function packageVersion(from: string = __dirname): string {
  for (let directory = from; ; directory = dirname(directory)) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'support-bff' && manifest.version) return manifest.version;
    }
    if (dirname(directory) === directory) return 'unknown';
  }
}
