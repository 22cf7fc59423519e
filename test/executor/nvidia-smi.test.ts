import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAppsCsv, parseGpuCsv } from '../../src/executor/nvidia-smi.js';

describe('nvidia-smi output', () => {
  it('reads the GPU query, names with commas and [N/A] fields included', () => {
    const text = '0, GPU-aaaa, NVIDIA GeForce RTX 3090, 24576, 1021, 37\n1, GPU-bbbb, NVIDIA A100-SXM4-80GB, 81920, [N/A], [Not Supported]\n';
    assert.deepEqual(parseGpuCsv(text), [
      { index: 0, uuid: 'GPU-aaaa', name: 'NVIDIA GeForce RTX 3090', memoryTotalMb: 24576, memoryUsedMb: 1021, utilization: 37 },
      { index: 1, uuid: 'GPU-bbbb', name: 'NVIDIA A100-SXM4-80GB', memoryTotalMb: 81920, memoryUsedMb: 0, utilization: 0 },
    ]);
    assert.deepEqual(parseGpuCsv('0, GPU-c, Tesla T4, Rev 2, 15360, 0, 0\n')[0]!.name, 'Tesla T4, Rev 2');
    assert.deepEqual(parseGpuCsv(''), []);
    assert.throws(() => parseGpuCsv('garbage'), /unexpected nvidia-smi line/);
  });

  it('reads the compute-apps query', () => {
    assert.deepEqual(parseAppsCsv('GPU-aaaa, 4242, 642\nGPU-bbbb, 17, [N/A]\n'), [
      { uuid: 'GPU-aaaa', pid: 4242, usedMb: 642 },
      { uuid: 'GPU-bbbb', pid: 17, usedMb: 0 },
    ]);
    assert.deepEqual(parseAppsCsv(''), []);
    assert.deepEqual(parseAppsCsv('No running processes found\n'), []);
  });
});
