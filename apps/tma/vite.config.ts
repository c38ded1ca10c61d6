import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';

// Budget for what the first screen downloads (entry JS, its static imports, CSS), gzipped.
const FIRST_SCREEN_BUDGET_KB = 60;

function firstScreenSize(): Plugin {
  return {
    name: 'first-screen-size',
    apply: 'build',
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((file) => file.type === 'chunk' && file.isEntry);
      if (!entry || entry.type !== 'chunk') return;
      const files = new Set<string>();
      const visit = (name: string) => {
        const file = bundle[name];
        if (!file || files.has(name)) return;
        files.add(name);
        if (file.type === 'chunk') {
          file.imports.forEach(visit);
          file.viteMetadata?.importedCss.forEach((css) => files.add(css));
        }
      };
      visit(entry.fileName);
      let bytes = 0;
      for (const name of files) {
        const file = bundle[name];
        bytes += gzipSync(file.type === 'chunk' ? file.code : file.source).length;
      }
      const kb = bytes / 1024;
      process.stdout.write(`\nMini App first screen (JS + CSS): ${kb.toFixed(1)} KB gzipped (budget ${FIRST_SCREEN_BUDGET_KB} KB)\n`);
      if (kb > FIRST_SCREEN_BUDGET_KB) this.error(`first screen is ${kb.toFixed(1)} KB gzipped, over the ${FIRST_SCREEN_BUDGET_KB} KB budget`);
    },
  };
}

export default defineConfig({
  // Served by the BFF under /tma/.
  base: '/tma/',
  resolve: {
    // The SDK's source, so the app needs no separate SDK build step.
    alias: { '@support-bff/sdk': fileURLToPath(new URL('../../packages/sdk/src/index.ts', import.meta.url)) },
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: true },
  plugins: [firstScreenSize()],
});
