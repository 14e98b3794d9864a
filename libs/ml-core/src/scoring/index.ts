export * from './image-score';
