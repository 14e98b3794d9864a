import type { GradientRule } from '../gradient-context';
import { elementwiseRules } from './elementwise';
import { linearRules } from './linear';
import { resizeRules } from './resize';
import { shapeRules } from './shape-ops';

/** Every reverse-mode rule, by ONNX op type. */
export const GRADIENT_RULES: Readonly<Record<string, GradientRule>> = {
  ...elementwiseRules,
  ...linearRules,
  ...shapeRules,
  ...resizeRules,
};

/**
 * Ops whose outputs carry no gradient (integer/boolean results, or piecewise-constant functions):
 * a path through them stops the gradient instead of failing the build.
 */
export const NON_DIFFERENTIABLE_OPS: ReadonlySet<string> = new Set([
  'Shape', 'Size', 'Greater', 'Less', 'Equal', 'GreaterOrEqual', 'LessOrEqual', 'Not', 'And', 'Or', 'Sign',
  'Floor', 'Ceil', 'Round', 'ArgMax', 'ArgMin', 'NonZero',
]);
