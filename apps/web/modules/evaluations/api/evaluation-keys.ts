/** Query keys of evaluations and their predictions. */
export const evaluationKeys = {
  all: ['evaluations'] as const,
  detail: (evaluationId: string) => ['evaluations', evaluationId] as const,
  predictions: (evaluationId: string, split: string) => ['evaluations', evaluationId, 'predictions', split] as const,
};
