// The GPU inventory, read from nvidia-smi's CSV output. No nvidia-smi, or one that fails,
// means no GPUs: the caller schedules by CPU only and says so in its log.
import { execFile } from 'node:child_process';
import type { GpuDevice } from '../protocol/api.js';

export type { GpuDevice };


export interface GpuProcess {
  uuid: string;
  pid: number;
  usedMb: number;
}

export type GpuInventory = { devices: GpuDevice[]; processes: GpuProcess[]; error: null } | { devices: []; processes: []; error: string };

export const GPU_QUERY = ['--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu', '--format=csv,noheader,nounits'];
export const APPS_QUERY = ['--query-compute-apps=gpu_uuid,pid,used_memory', '--format=csv,noheader,nounits'];

// "[N/A]" and "[Not Supported]" appear on some GPUs; they count as 0.
const num = (s: string | undefined): number => {
  const n = Number((s ?? '').trim());
  return Number.isFinite(n) ? n : 0;
};

export function parseGpuCsv(text: string): GpuDevice[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const f = line.split(',').map((x) => x.trim());
      if (f.length < 6 || !/^\d+$/.test(f[0]!)) throw new Error(`unexpected nvidia-smi line: ${line}`);
      return { index: Number(f[0]), uuid: f[1]!, name: f.slice(2, f.length - 3).join(', '), memoryTotalMb: num(f.at(-3)), memoryUsedMb: num(f.at(-2)), utilization: num(f.at(-1)) };
    });
}

export function parseAppsCsv(text: string): GpuProcess[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^No running/i.test(l))
    .map((line) => {
      const [uuid, pid, used] = line.split(',').map((x) => x.trim());
      if (!uuid || !/^\d+$/.test(pid ?? '')) throw new Error(`unexpected nvidia-smi line: ${line}`);
      return { uuid, pid: Number(pid), usedMb: num(used) };
    });
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('nvidia-smi', args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error((stderr || err.message).trim().split('\n')[0]));
      else resolve(stdout);
    });
  });
}

export async function queryGpus(): Promise<GpuInventory> {
  try {
    const [gpus, apps] = await Promise.all([run(GPU_QUERY), run(APPS_QUERY)]);
    return { devices: parseGpuCsv(gpus), processes: parseAppsCsv(apps), error: null };
  } catch (err) {
    return { devices: [], processes: [], error: (err as Error).message };
  }
}
