const { jestConfig } = require('../../jest.preset.cjs');

// onnxruntime-node specs need the host realm's typed arrays (see libs/ml-core/jest-ort-environment.cjs).
// CPU-bound specs (training, onnxruntime sessions, image decoding): a generous default timeout, so a
// busy machine slows them down without failing them (under load FastflowModel's training tests took 6-7 s, over jest's 5 s default).
module.exports = jestConfig(__dirname, {
  testTimeout: 120_000,
  testEnvironment: require.resolve('../ml-core/jest-ort-environment.cjs'),
});
