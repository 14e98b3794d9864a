export * from './csflow.config';
export * from './patchcore.config';
export * from './cfa.config';
export * from './model-config';
export * from './fastflow.config';
export * from './cflow.config';
export * from './training-crops';
export * from './paper-differences';
