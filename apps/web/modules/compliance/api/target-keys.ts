export const targetKeys = { all: ['targets'] as const };
