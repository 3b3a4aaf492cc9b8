#!/usr/bin/env node
// The operator CLI. Runs the TypeScript sources directly through tsx, from the project root.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
register({ tsconfig: path.join(root, "tsconfig.json") });
await import("./cli.ts");
