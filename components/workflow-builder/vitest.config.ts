import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The project's vitest config covers lib/, app/, db/ and scripts/; the builder's pure logic is tested with
// `npx vitest run --config components/workflow-builder/vitest.config.ts`.
const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: { root, include: ["components/workflow-builder/**/*.test.ts"] },
});
