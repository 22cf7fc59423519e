// Builds the web dashboard (src/web/ui) into dist/ui: one script and one stylesheet, bundled
// with their libraries (xterm.js, uPlot) so that the page needs nothing from the internet, named
// by their content hash so that the daemon can let browsers cache them for good.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const src = path.resolve('src/web/ui');
const out = path.resolve('dist/ui');
// Type-check the page's code (it has its own tsconfig: DOM, no Node).
execFileSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', path.join(src, 'tsconfig.json')], { stdio: 'inherit' });
fs.rmSync(out, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: { app: path.join(src, 'main.ts'), style: path.join(src, 'style.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  outdir: out,
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
const built = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
const js = built.find((f) => /^app-.*\.js$/.test(f));
const css = built.find((f) => /^style-.*\.css$/.test(f));
if (!js || !css) throw new Error(`build-ui: missing output (${built.join(', ')})`);
const html = fs.readFileSync(path.join(src, 'index.html'), 'utf8').replace('%JS%', js).replace('%CSS%', css);
fs.writeFileSync(path.join(out, 'index.html'), html);
fs.copyFileSync(path.join(src, 'favicon.svg'), path.join(out, 'favicon.svg'));
console.log(`dashboard built: dist/ui/${js}, dist/ui/${css}`);
