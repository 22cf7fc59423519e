// The rules of the tree (see the developers' guide), checked on the sources: small files, and
// the seams the scheduler and the executors keep.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/sandbox.js';

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.relative(ROOT, path.join(e.parentPath ?? e.path, e.name)));
}

describe('the source tree', () => {
  it('has no source file over 300 lines', () => {
    const long = sources('src').filter((f) => fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1 > 300);
    assert.deepEqual(long, []);
  });

  it('keeps tmux command lines in src/tmux and the scheduler behind the executor', () => {
    for (const f of sources('src')) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      if (f.startsWith('src/daemon/scheduler/')) {
        assert.doesNotMatch(text, /from '\.\.\/\.\.\/tmux\//, `${f} imports src/tmux`);
        assert.doesNotMatch(text, /['`]\/proc\//, `${f} reads /proc`);
      }
      // A tmux command line is built from its subcommands: they are named in src/tmux only.
      if (!f.startsWith('src/tmux/')) assert.doesNotMatch(text, /'(new-session|kill-session|kill-server|send-keys|pipe-pane|list-panes|list-sessions|capture-pane|rename-session|has-session|attach-session|switch-client|set-option|display-message)'/, `${f} builds a tmux command line`);
    }
  });
});
