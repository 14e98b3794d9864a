// Jest runs each spec in a vm context with its own typed-array constructors, but onnxruntime-node's
// native addon creates output tensors with the host realm's Float32Array, and onnxruntime-common then
// fails its `instanceof` checks ("A float32 tensor's data must be type of Float32Array").
// This environment hands the host's typed-array constructors to the sandbox, so both realms agree.
// Use it in any lib whose specs run onnxruntime-node: jestConfig(__dirname, { testEnvironment: require.resolve('../ml-core/jest-ort-environment.cjs') }).
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array',
  'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
];

class OrtNodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = OrtNodeEnvironment;
