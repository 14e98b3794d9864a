export * from './attributes';
export * from './graph-builder';
export * from './session';
export * from './nearest-neighbours-graph';
