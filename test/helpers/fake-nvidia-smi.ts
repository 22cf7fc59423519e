// A fake nvidia-smi for GPU-less machines: put first on PATH, it prints exactly the CSV
// formats gflow queries, from files the test controls.
import fs from 'node:fs';
import path from 'node:path';

export interface FakeGpu {
  index: number;
  name?: string;
  memoryTotalMb?: number;
  memoryUsedMb?: number;
  utilization?: number;
}

export class FakeNvidiaSmi {
  readonly binDir: string;

  constructor(readonly dir: string, gpus: FakeGpu[]) {
    this.binDir = path.join(dir, 'bin');
    fs.mkdirSync(this.binDir, { recursive: true });
    const script = `#!/bin/bash
# fake nvidia-smi (gflow tests)
dir=${JSON.stringify(dir)}
if [ -e "$dir/fail" ]; then echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver." >&2; exit 9; fi
case "$1" in
  --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu) cat "$dir/gpus.csv" ;;
  --query-compute-apps=gpu_uuid,pid,used_memory) cat "$dir/apps.csv" ;;
  *) echo "fake nvidia-smi: unexpected arguments: $*" >&2; exit 2 ;;
esac
`;
    fs.writeFileSync(path.join(this.binDir, 'nvidia-smi'), script, { mode: 0o755 });
    this.setGpus(gpus);
    this.setProcesses([]);
  }

  static uuid(index: number): string {
    return `GPU-00000000-0000-0000-0000-00000000000${index}`;
  }

  setGpus(gpus: FakeGpu[]): void {
    const lines = gpus.map((g) => `${g.index}, ${FakeNvidiaSmi.uuid(g.index)}, ${g.name ?? 'NVIDIA GeForce RTX 3090'}, ${g.memoryTotalMb ?? 24576}, ${g.memoryUsedMb ?? 1}, ${g.utilization ?? 0}`);
    fs.writeFileSync(path.join(this.dir, 'gpus.csv'), lines.map((l) => `${l}\n`).join(''));
  }

  /** Processes on GPUs, as nvidia-smi lists compute apps. */
  setProcesses(procs: { index: number; pid: number; usedMb?: number }[]): void {
    fs.writeFileSync(path.join(this.dir, 'apps.csv'), procs.map((p) => `${FakeNvidiaSmi.uuid(p.index)}, ${p.pid}, ${p.usedMb ?? 500}\n`).join(''));
  }

  setFailing(failing: boolean): void {
    const f = path.join(this.dir, 'fail');
    if (failing) fs.writeFileSync(f, '');
    else fs.rmSync(f, { force: true });
  }
}
