// Bundles the web UI's browser code into dist/ui/client/, which `assets ui`
// serves at /static/. One ES module and one stylesheet, both shipped in the
// package, so the page loads nothing from a CDN. Not minified: the bundle is
// small, served from localhost, and readable in the browser's devtools.
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = `${root}dist/ui/client`;

await mkdir(outDir, { recursive: true });
await build({
  entryPoints: [`${root}src/ui/client/main.ts`],
  outfile: `${outDir}/app.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari16'],
  minify: false,
  sourcemap: false,
  logLevel: 'warning',
});
await copyFile(`${root}src/ui/client/app.css`, `${outDir}/app.css`);
