/**
 * `@defectlab/ml-core/bench`: the harness of the step-timing bench scripts (libs/<model>/bench,
 * tools/bench/tfjs-reference). Not part of `@defectlab/ml-core`: apps never time steps.
 */
export * from './step-timing';
export * from './train-step';
