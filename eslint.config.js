// ESLint flat config: typescript-eslint's recommended rules everywhere, React's hook rules in the
// client, and our own rule that keeps the folders of server/ free of import cycles (DESIGN §6).
// TypeScript is held at 6.0 because typescript-eslint needs its JavaScript API, which 7 has not.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { noFolderCycle } from './eslint-rules/folder-graph.js'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', '.test-results/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names are mistakes; a leading underscore says "deliberately unused".
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    // The two rules of hooks. The React Compiler rules of the plugin's recommended set (effects that
    // set state, refs read in render) would ask for a rewrite of the data loading first.
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['server/**/*.ts', 'scripts/**/*.ts', 'tests/**/*.ts', 'eslint-rules/**/*.js', '*.config.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['server/**/*.ts'],
    plugins: { jiezhang: { rules: { 'no-folder-cycle': noFolderCycle } } },
    rules: { 'jiezhang/no-folder-cycle': 'error' },
  },
)
