// `npm start`: install, migrate, seed, build and serve Sluice. Running it again keeps all data.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureBuild, ensureDependencies, root, run } from "./lib.mjs";

const port = process.env.PORT || "3000";
process.env.NEXTAUTH_URL ||= `http://localhost:${port}`;

ensureDependencies();
ensureBuild();
// Last before serving, so that the demo login printed at first start is the last thing on screen.
run(process.execPath, [path.join(root, "scripts", "sluice.mjs"), "seed"]);

console.log(`Starting Sluice on http://localhost:${port}${process.env.DATABASE_URL ? "" : " (embedded PostgreSQL in .data/)"}`);
const server = spawn(process.execPath, [path.join(root, "scripts", "serve.mjs")], { cwd: root, stdio: "inherit", env: { ...process.env, PORT: port, NODE_ENV: "production" } });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
