// The command reference in docs/reference/ is what the command definitions say today.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { referencePages } from '../../src/cli/reference-pages.js';
import { ROOT } from '../helpers/sandbox.js';

describe('command reference', () => {
  for (const [file, text] of Object.entries(referencePages())) {
    it(`${file} is up to date`, () => {
      const committed = fs.readFileSync(path.join(ROOT, file), 'utf8');
      assert.ok(committed === text, `${file} differs from the command definitions: run \`npm run docs\` and commit it`);
    });
  }

  it('lists every command with its options', () => {
    const gflow = referencePages()['docs/reference/gflow.md']!;
    for (const heading of ['## gflow submit', '## gflow queue', '## gflow cancel']) assert.ok(gflow.includes(`\n${heading}\n`), heading);
    assert.match(gflow, /\| `-g, --gpus <n>` \|/);
  });
});
