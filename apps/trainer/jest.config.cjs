const { jestConfig } = require('../../jest.preset.cjs');

// The fit/evaluate specs run onnxruntime-node in-process, which needs the host realm's typed arrays
// (see libs/ml-core/jest-ort-environment.cjs).
// CPU-bound specs: a generous default timeout (under load, reading a bare ONNX graph's taps took 5 s,
// jest's whole default); the CLI specs set longer ones.
module.exports = jestConfig(__dirname, {
  testTimeout: 120_000,
  testEnvironment: require.resolve('../../libs/ml-core/jest-ort-environment.cjs'),
});
