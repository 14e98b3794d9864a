const { jestConfig } = require('../../jest.preset.cjs');

// The harness runs onnxruntime-node in-process for the building blocks, which needs the host realm's
// typed arrays (see libs/ml-core/jest-ort-environment.cjs).
module.exports = jestConfig(__dirname, { testEnvironment: require.resolve('../../libs/ml-core/jest-ort-environment.cjs') });
