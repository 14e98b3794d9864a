const { jestConfig } = require('../../jest.preset.cjs');

// onnxruntime-node specs need the host realm's typed arrays (see jest-ort-environment.cjs).
module.exports = jestConfig(__dirname, { testEnvironment: require.resolve('./jest-ort-environment.cjs') });
