// `gflow new NAME`: a job script to start from, with `# GFLOW` directives explained.
import fs from 'node:fs';
import path from 'node:path';
import { usage } from '../fail.js';

export function template(name: string): string {
  return `#!/bin/bash
# ${name}: a gflow job. Submit it with \`gflow submit ${name}.sh\` (flags given there win).
# The # GFLOW lines take every \`gflow submit\` flag; delete the ones you do not need.
# GFLOW --name=${name}
# GFLOW --time=1:00:00
# GFLOW --gpus=0
# GFLOW --cpus=1
# GFLOW --output=%x-%j.out
#
# More, uncomment to use:
#   # GFLOW --conda-env=myenv           activate a conda environment first
#   # GFLOW --depends-on=afterok:@      after your last submission finished
#   # GFLOW --array=1-10%2              ten tasks, two at a time: $GFLOW_ARRAY_TASK_ID
#   # GFLOW --signal=USR1@120           USR1 two minutes before the time limit
#   # GFLOW --max-retries=2             queue it again if it fails
#
# The job sees GFLOW_JOB_ID, GFLOW_JOB_NAME, CUDA_VISIBLE_DEVICES and the environment you
# submitted from, in the directory you submitted from.
set -euo pipefail

echo "job $GFLOW_JOB_ID ($GFLOW_JOB_NAME) on GPUs '\${CUDA_VISIBLE_DEVICES}'"
# your commands here
`;
}

export function newCommand(name: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) throw usage(`'${name}' is not a plain script name`, 'use letters, digits, _ . and -, e.g. gflow new train');
  const file = path.resolve(name.endsWith('.sh') ? name : `${name}.sh`);
  const base = path.basename(file, '.sh');
  try {
    fs.writeFileSync(file, template(base), { flag: 'wx', mode: 0o755 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw usage(`${path.basename(file)} already exists`, 'choose another name, or remove it first');
    throw usage(`cannot write ${file}: ${(err as Error).message}`);
  }
  process.stdout.write(`Wrote ${path.basename(file)}; edit it, then: gflow submit ${path.basename(file)}\n`);
}
