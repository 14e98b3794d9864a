const { jestConfig } = require('../../jest.preset.cjs');

// onnxruntime-node specs need the host realm's typed arrays (see libs/ml-core/jest-ort-environment.cjs).
module.exports = jestConfig(__dirname, { testEnvironment: require.resolve('../ml-core/jest-ort-environment.cjs') });
