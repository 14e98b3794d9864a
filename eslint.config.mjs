// Lint = the Nx module boundaries (apps never import apps; each layer only depends on the layers
// below it) plus typescript-eslint's recommended rules.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', '**/generated/**', '**/*.cjs', '**/*.mjs', '**/next-env.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:metrics', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:ml-core', onlyDependOnLibsWithTags: ['type:contracts', 'type:metrics'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:contracts', 'type:metrics', 'type:ml-core'] },
            { sourceTag: 'type:backbone', onlyDependOnLibsWithTags: ['type:contracts', 'type:metrics', 'type:data', 'type:ml-core'] },
            {
              sourceTag: 'type:model',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:metrics', 'type:data', 'type:ml-core', 'type:backbone'],
            },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['type:contracts', 'type:metrics'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['type:contracts', 'type:metrics', 'type:data'] },
            {
              sourceTag: 'scope:trainer',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:metrics', 'type:data', 'type:ml-core', 'type:backbone', 'type:model'],
            },
            // the end-to-end tests drive the platform with the typed client, check figures with libs/metrics and generate demo data
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:metrics', 'type:data'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['type:contracts', 'type:metrics', 'type:data', 'type:ml-core', 'type:backbone', 'type:model'] },
          ],
        },
      ],
    },
  },
];
