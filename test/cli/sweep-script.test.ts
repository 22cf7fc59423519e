// A sweep over a script substitutes its declared {name}s in the script text of each task.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandTasks } from '../../src/client/submission.js';
import type { SubmitRequest } from '../../src/protocol/job.js';

const base = (extra: Partial<SubmitRequest>): SubmitRequest => ({ cwd: '/', env: {}, user: 'u', ...extra });
const SCRIPT = '#!/bin/bash\n# GFLOW --name=run\npython train.py --lr {lr} --bs {bs} --home ${HOME} {other}\n';

describe('sweep over a script', () => {
  it('gives each task the script text with its own values, only for declared names', async () => {
    const tasks = await expandTasks({ param: ['lr=0.1,0.01', 'bs=32'] }, base({ script: '/x/job.sh' }), SCRIPT);
    assert.deepEqual(
      tasks?.map((t) => t.scriptText),
      [
        '#!/bin/bash\n# GFLOW --name=run\npython train.py --lr 0.1 --bs 32 --home ${HOME} {other}\n',
        '#!/bin/bash\n# GFLOW --name=run\npython train.py --lr 0.01 --bs 32 --home ${HOME} {other}\n',
      ],
    );
    assert.deepEqual(tasks?.map((t) => t.params), [{ lr: '0.1', bs: '32' }, { lr: '0.01', bs: '32' }]);
    assert.equal(tasks?.[0]?.command, undefined);
  });

  it('does the same for a script on stdin', async () => {
    const tasks = await expandTasks({ param: ['lr=1:2'] }, base({ scriptText: SCRIPT }), SCRIPT);
    assert.deepEqual(tasks?.map((t) => /--lr (\S+)/.exec(t.scriptText ?? '')?.[1]), ['1', '2']);
  });

  it('leaves the script alone when it names none of the parameters', async () => {
    const tasks = await expandTasks({ param: ['seed=1,2'] }, base({ script: '/x/job.sh' }), SCRIPT);
    assert.deepEqual(tasks?.map((t) => t.scriptText), [undefined, undefined]);
  });

  it('substitutes a command, not a script, when the job is a command', async () => {
    const tasks = await expandTasks({ param: ['lr=0.1'] }, base({ command: ['echo', '{lr}'] }), undefined);
    assert.deepEqual(tasks, [{ params: { lr: '0.1' }, command: ['echo', '0.1'] }]);
  });

  it('an array over a script carries no script text', async () => {
    const tasks = await expandTasks({ array: '1-2' }, base({ script: '/x/job.sh' }), 'echo {lr}\n');
    assert.deepEqual(tasks, [{ arrayTaskId: 1 }, { arrayTaskId: 2 }]);
  });
});
