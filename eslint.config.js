// Type-aware lint. The one project-specific rule: a neverthrow Result must be used
// (matched, returned, or unwrapped) — a dropped Result is a silently swallowed error.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { fixupPluginRules } from "@eslint/compat";
import neverthrow from "eslint-plugin-neverthrow";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".serverless/",
      ".esbuild/",
      "coverage/",
      "dist/",
      "**/*.js",
      "**/*.cjs",
      "**/*.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { neverthrow: fixupPluginRules(neverthrow) },
    rules: {
      "neverthrow/must-use-result": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      // The plugin only counts match/unwrapOr/_unsafeUnwrap as handling; tests read Results
      // with _unsafeUnwrapErr and isErr() and then assert on them, which it cannot see.
      "neverthrow/must-use-result": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
);
