const { jestConfig } = require('../../jest.preset.cjs');

// onnxruntime-node specs need the host realm's typed arrays (see jest-ort-environment.cjs).
// CPU-bound specs (onnxruntime sessions, training kernels): a generous default timeout, so a busy machine
// slows them down without failing them (the conv2d gradient check took 3 s of jest's 5 s default under load).
module.exports = jestConfig(__dirname, {
  testTimeout: 120_000,
  testEnvironment: require.resolve('./jest-ort-environment.cjs'),
});
