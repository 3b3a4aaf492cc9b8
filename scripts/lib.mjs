// Helpers for the start and test scripts. Plain Node: they run before dependencies are installed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}

/** Installs dependencies when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const lock = path.join(root, "package-lock.json");
  if (existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs)) return;
  console.log("Installing dependencies…");
  // Building needs the dev dependencies too (Tailwind, TypeScript), whatever NODE_ENV says.
  run("npm", [existsSync(lock) ? "ci" : "install", "--include=dev", "--no-audit", "--no-fund"]);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the app when there is no build or a source file changed since the last one. */
export function ensureBuild() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const sources = ["app", "components", "lib", "db", "public", "package.json", "next.config.js", "instrumentation.ts"]
    .map((p) => path.join(root, p))
    .filter(existsSync)
    .map((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs));
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= Math.max(...sources)) return;
  console.log("Building Sluice…");
  run(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"]);
}
