// gflowProgram(word) defines only the command a word calls (a start-up saving): every word
// must still reach its command, with the same definition as in the full program.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gflowProgram } from '../../src/cli/gflow.js';

describe('gflow command line, one command at a time', () => {
  const full = gflowProgram();

  it('each name and alias of every command gets that command, defined as in the full program', () => {
    for (const cmd of full.commands) {
      for (const word of [cmd.name(), ...cmd.aliases()]) {
        const found = gflowProgram(word).commands.find((c) => c.name() === cmd.name());
        assert.ok(found, `gflow ${word}`);
        assert.deepEqual(found.options.map((o) => o.flags), cmd.options.map((o) => o.flags), `gflow ${word}`);
        assert.deepEqual(found.aliases(), cmd.aliases(), `gflow ${word}`);
      }
    }
  });

  it('a word that is no command (help, a typo, an option) gets every command', () => {
    for (const word of [undefined, 'help', 'sumbit', '--help', '-V']) assert.equal(gflowProgram(word).commands.length, full.commands.length);
  });
});
