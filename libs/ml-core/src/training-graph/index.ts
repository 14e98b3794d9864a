export * from './autodiff';
export * from './gradient-context';
export * from './shape-inference';
export { GRADIENT_RULES, NON_DIFFERENTIABLE_OPS } from './rules';
export { resizeAxisMatrix } from './rules/resize';
export * from './optimizer-graph';
export * from './training-graph';
export * from './training-session';
export * from './execution-provider';
