// The package version, read once from package.json (two levels above dist/src), and the
// package's other files. This file sits two levels below the package, as does the bundled
// CLI (dist/src/gflow-cli.js) that inlines it, so the one relative path holds for both.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A file of the installed package, e.g. build/Release/reuseport.node. */
export function packagePath(rel: string): string {
  return fileURLToPath(new URL(`../../${rel}`, import.meta.url));
}

let cached: string | undefined;

export function packageVersion(): string {
  cached ??= (JSON.parse(fs.readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
