// `npm run build` step after tsc: bundles the `gflow` CLI (dist/src/cli/gflow.js and what it
// imports, commander and chalk included) into one CommonJS file, dist/src/gflow-cli.cjs, that
// bin/gflow compiles with a V8 code cache. One file instead of ~60 ES modules saves the ESM
// loader's resolution work; CommonJS because only a classic script can use a code cache on
// Node 20 (which cannot import() from such a script: the bundle has no import() that runs).
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const OUT_DIR = path.resolve('dist/src');

// `gflow submit` builds gflowd's command list for a typo hint (`gflow submit reload`): the
// list is bundled, the daemon and the gflowd commands it names are not. Their imports are
// never run by `gflow`, and a vm.Script cannot import() on Node 20 anyway.
const outside = {
  name: 'outside',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.endsWith(`${path.sep}cli${path.sep}gflowd.js`)) return undefined;
      return { path: `./${path.relative(OUT_DIR, path.resolve(path.dirname(args.importer), args.path))}`, external: true };
    });
  },
};

// commander requires child_process at load for subcommands run as separate programs, which
// gflow has none of; compiling that built-in is ~10 ms of every start. Commander gets it on
// first use instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.importer.includes(`${path.sep}commander${path.sep}`) ? { path: 'lazy-child-process', namespace: 'lazy' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

await esbuild.build({
  entryPoints: ['dist/src/cli/gflow.js'],
  outfile: 'dist/src/gflow-cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The MCP server's SDK (and its zod) are big and only `gflow mcp serve` needs them, the YAML and
  // CSV writers only `queue -o yaml|csv`: required from node_modules when those run (their modules
  // are imported lazily, src/cli/columns-export.ts), not read at every start.
  external: ['find-process', '@modelcontextprotocol/sdk', 'zod', 'yaml', 'csv-stringify'],
  plugins: [outside, lazyChildProcess],
  // The bundle sits two levels below the package, as dist/src/version.js does, so
  // import.meta.url-relative paths (packagePath) keep pointing at the package.
  define: { 'import.meta.url': '__gflowModuleUrl' },
  banner: { js: "var __gflowModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

// gflowd (its commands and the daemon) as one ES module, dist/src/gflowd-bundle.mjs: the ~230
// modules of dist/ cost the ESM loader ~80 ms at every daemon start, which a reload waits for.
// An ES module because the daemon imports ES-only packages lazily; native addons and the
// lazily imported mail client stay in node_modules.
await esbuild.build({
  entryPoints: ['dist/src/cli/gflowd.js'],
  outfile: 'dist/src/gflowd-bundle.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'node-pty', 'nodemailer', 'find-process', '@modelcontextprotocol/sdk', 'zod', 'yaml', 'csv-stringify'],
  // CommonJS packages inside the bundle (commander) call require().
  banner: { js: "import { createRequire as __gflowCreateRequire } from 'node:module'; const require = __gflowCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// V8 keeps a module's source for as long as it runs, and one non-ASCII character makes it a
// two-byte string: the daemon's heap held 1.2 MB of source instead of 0.6. esbuild escapes
// them in code; what is left is in comments, where an escape reads as well.
const daemonBundle = path.join(OUT_DIR, 'gflowd-bundle.mjs');
const source = fs.readFileSync(daemonBundle, 'utf8');
fs.writeFileSync(daemonBundle, source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
