import os from 'node:os';
import { describeMachine, runtimeVersions } from './machine-info';

describe('describeMachine', () => {
  it('reports this machine', () => {
    const m = describeMachine();
    expect(m.logicalCores).toBe(os.cpus().length);
    expect(m.memoryBytes).toBe(os.totalmem());
    expect(m.node).toBe(process.version);
    expect(m.cpuModel.length).toBeGreaterThan(0);
  });
});

describe('runtimeVersions', () => {
  it('reads installed package versions, also of packages whose exports hide package.json, and marks missing ones null', () => {
    const v = runtimeVersions(['onnxruntime-node', 'sharp', 'no-such-package-defectlab']);
    expect(v['onnxruntime-node']).toMatch(/^\d+\.\d+\.\d+/);
    expect(v['sharp']).toMatch(/^\d+\.\d+\.\d+/);
    expect(v['no-such-package-defectlab']).toBeNull();
  });
});
