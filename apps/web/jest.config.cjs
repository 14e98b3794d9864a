const { jestConfig } = require('../../jest.preset.cjs');

// d3-scale, d3-shape, d3-array and their d3-* / internmap dependencies ship ES modules only: SWC
// compiles them to CommonJS for jest (Next.js bundles them itself).
module.exports = jestConfig(__dirname, {
  transformIgnorePatterns: ['/node_modules/(?!(d3-[^/]+|internmap)/)'],
});
