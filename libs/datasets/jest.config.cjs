const { jestConfig } = require('../../jest.preset.cjs');

// CPU-bound specs (image decoding and encoding with sharp): a generous default timeout, so a busy
// machine slows them down without failing them.
module.exports = jestConfig(__dirname, { testTimeout: 120_000 });
