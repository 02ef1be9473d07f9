// Builds the dashboard into dist/: one script, one style sheet, the page.
// Everything the page needs is in dist/; nothing is fetched at run time.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const out = new URL('./dist/', import.meta.url);
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: 'src/main.js' },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: ['es2020'],
  outdir: 'dist',
  loader: { '.css': 'css' },
  logLevel: 'warning',
});
await copyFile(new URL('./src/index.html', import.meta.url), new URL('index.html', out));
await copyFile(new URL('./src/favicon.svg', import.meta.url), new URL('favicon.svg', out));
console.log('web: built dist/ (index.html, app.js, app.css)');
