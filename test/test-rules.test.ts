// The rules of the tests, checked on their sources: a test that needs a part of the machine says
// so through test/helpers/requires.ts only, so that under CI=true a missing part fails the run
// instead of passing it green with the feature untested.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers/sandbox.js';

const HELPER = 'test/helpers/requires.ts';

// The skip and todo options of node:test (also shorthand, or on a line of their own) and its
// skip/todo calls.
const BARE = /(^|[{,])\s*(skip|todo)\s*[:,}]|\.(skip|todo)\s*\(/;

describe('the tests', () => {
  it('skip only through test/helpers/requires.ts', () => {
    const files = fs
      .readdirSync(path.join(ROOT, 'test'), { recursive: true })
      .map((f) => path.join('test', String(f)))
      .filter((f) => f.endsWith('.ts') && f !== HELPER);
    assert.ok(files.length > 50, `only ${files.length} test sources found under ${ROOT}test`);
    const bare = files.flatMap((f) =>
      fs
        .readFileSync(path.join(ROOT, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (BARE.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    assert.deepEqual(bare, [], `use requires()/requiresNow() from ${HELPER} instead`);
  });
});
