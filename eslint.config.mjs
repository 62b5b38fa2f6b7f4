import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworks = ['@nestjs/*', 'kysely', 'pg', '@electric-sql/*', '@nats-io/*', '@kurrent/*', '@eventstore/*', 'uWebSockets.js', 'mediasoup', 'zod'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The domain is pure: no framework, no IO, no adapter.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: frameworks, message: 'src/domain is framework-free.' },
          { group: ['**/adapters/**', '**/commands/**', '**/projections/**', '**/ports/**'], message: 'src/domain imports only src/domain.' },
        ],
      }],
    },
  },
  {
    files: ['src/commands/**/*.ts', 'src/projections/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/adapters/**'], message: 'Application code depends on ports, not adapters.' }],
      }],
    },
  },
);
