export * from './gaussian-blur';
export * from './resize-bilinear';
