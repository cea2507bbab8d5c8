// ESLint flat config: typescript-eslint's recommended rules (without type information: tsc already
// type-checks in `npm test`), no line over 150 columns. Formatting itself is Prettier's (.prettierrc.json).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'cdktf.out/', '.build/', 'docs/api/', 'coverage/', '.jest-cache/', '.npm/', '__tests__/fixtures/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Prettier wraps code at 150 (printWidth); this catches what it cannot wrap: strings, comments, URLs.
      'max-len': ['error', { code: 150, tabWidth: 2 }],
      // As tsc's noUnusedLocals/noUnusedParameters allow: a leading _ marks a name unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['__tests__/**/*.ts'],
    languageOptions: { globals: globals.jest },
  },
);
