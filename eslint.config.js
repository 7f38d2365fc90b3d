import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/core/**/*.ts'],
    rules: {
      // The domain imports no host code (DESIGN §7).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@actions/*',
            'probot',
            ...['action', 'app', 'cli', 'agent'].flatMap((host) => [`../${host}/*`, `../../${host}/*`]),
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
