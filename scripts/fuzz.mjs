// `npm run fuzz`: the API fuzz suite (lib/http/fuzz.test.ts) for longer and with a random seed, which
// it prints first and last, and with the answers counted by operation and status (how deep it got).
// FUZZ_SEED=<seed> replays a run; FUZZ_RUNS sets the cases per operation and server path (default 500);
// further arguments go to vitest, e.g. `npm run fuzz -- -t "node path"`.
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import path from "node:path";
import { ensureDependencies, root } from "./lib.mjs";

ensureDependencies();
const seed = process.env.FUZZ_SEED || String(randomInt(2 ** 31 - 1));
const runs = process.env.FUZZ_RUNS || "500";
console.log(`Fuzzing with seed ${seed}, ${runs} cases per operation and server path (replay: FUZZ_SEED=${seed} npm run fuzz)`);
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const { status } = spawnSync(process.execPath, [vitest, "run", "lib/http/fuzz.test.ts", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs, FUZZ_SUMMARY: "1" },
});
console.log(`Fuzz seed: ${seed}`);
process.exit(status ?? 1);
