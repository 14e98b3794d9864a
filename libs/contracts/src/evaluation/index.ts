export * from './model-kind.schema';
export * from './split-rule.schema';
export * from './run-config.schema';
export * from './evaluation-report.schema';
