// `gflow new`: a template whose directives gflow itself accepts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseDirectives } from '../../src/client/script-directives.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('gflow new', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  it('writes NAME.sh whose directives parse, runs as a job, and refuses to overwrite', async () => {
    assert.match(await sb.ok('gflow', 'new', 'train'), /Wrote train\.sh/);
    const file = path.join(sb.dir, 'train.sh');
    const text = fs.readFileSync(file, 'utf8');
    const d = parseDirectives(text, file);
    assert.equal(d.flags.name, 'train');
    assert.equal(d.flags.output, '%x-%j.out');
    const id = await sb.submit(file);
    assert.equal((await sb.waitEnded(id)).state, 'finished');
    assert.match(fs.readFileSync(path.join(sb.dir, `train-${id}.out`), 'utf8'), new RegExp(`job ${id} \\(train\\)`));
    const again = await sb.gflow('new', 'train');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /train\.sh already exists/);
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  });
});
