export * from './bench-report.schema';
