import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, isEmbedded } from "@/db/client";
import { engineFixture, engineWorker, runToEnd, saveWorkflow, sh, stepByKey } from "@/lib/engine/testing/engine";
import { dataDir } from "@/lib/data-dir";
import { sandboxMode } from "./sandbox";

let fx: Awaited<ReturnType<typeof engineFixture>>;
const w = engineWorker();
beforeAll(async () => {
  fx = await engineFixture("iso");
  await w.start();
});
afterAll(() => w.stop());
afterEach(() => {
  delete process.env.SLUICE_SANDBOX;
});

/** Where Sluice's database listens: a Unix socket (embedded) or a TCP host and port. */
async function databaseAddress() {
  const url = new URL(await databaseUrl());
  if (await isEmbedded()) return { socket: `${url.searchParams.get("host")}/.s.PGSQL.${url.searchParams.get("port") ?? 5432}` };
  return { host: url.hostname || "127.0.0.1", port: Number(url.port || 5432) };
}

const probe = (address: { socket?: string; host?: string; port?: number }) => `
import os, socket, sys
env = dict(os.environ)
print("ENV", sorted(env.keys()))
leaked = [k for k, v in env.items() if "DATABASE" in k or k.startswith("SLUICE") or k.startswith("NEXTAUTH") or k.startswith("AUTH_") or "postgres" in v]
print("LEAKED", leaked)
for path in [${JSON.stringify(dataDir())}, ${JSON.stringify(`${dataDir()}/master.key`)}]:
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path).read()
        print("READ", path)
    except Exception as e:
        print("DENIED", path, type(e).__name__)
try:
    ${address.socket ? `s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect(${JSON.stringify(address.socket)})` : `s = socket.create_connection((${JSON.stringify(address.host)}, ${address.port}), timeout=2)`}
    print("CONNECTED")
except Exception as e:
    print("NO DATABASE", type(e).__name__)
`;

describe.each([
  ["in the bubblewrap sandbox", "auto"],
  ["on the host, without bubblewrap", "off"],
])("a step %s", (_label, setting) => {
  beforeAll(() => {
    process.env.SLUICE_SANDBOX = setting;
  });

  it.runIf(setting === "off" || sandboxMode() === "bwrap")("sees neither Sluice's environment nor its data directory nor its database", async () => {
    process.env.SLUICE_SANDBOX = setting;
    const name = `probe-${setting}`;
    await saveWorkflow(fx.admin, fx.workspaceId, name, {
      steps: [
        {
          name: "probe",
          kind: "script",
          script: { image: "python", language: "python", source: probe(await databaseAddress()), env: [] },
          inputs: [],
          outputs: [{ name: "out", type: "string", source: { from: "stdout" } }],
          dependsOn: [],
          continueOnFailure: false,
        },
      ],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, name);
    const out = String(stepByKey(run, "probe").outputs?.out);
    expect(run.state, out).toBe("succeeded");
    expect(out).toContain("LEAKED []");
    expect(out).not.toContain("READ");
    expect(out).toMatch(/NO DATABASE/);
    expect(out).not.toContain("CONNECTED");
  });

  it("writes an absolute path privately: two parallel steps never collide", async () => {
    process.env.SLUICE_SANDBOX = setting;
    const name = `same-path-${setting}`;
    const writer = (label: string) =>
      sh(label, `echo ${label} > /tmp/out; sleep 0.5; cat /tmp/out`, { outputs: [{ name: "file", type: "string", source: { from: "file", path: "/tmp/out" } }, { name: "out", type: "string", source: { from: "stdout" } }] });
    await saveWorkflow(fx.admin, fx.workspaceId, name, { steps: [writer("left"), writer("right")] });
    const run = await runToEnd(fx.admin, fx.workspaceId, name);
    expect(run.state).toBe("succeeded");
    expect(stepByKey(run, "left").outputs).toEqual({ file: "left", out: "left" });
    expect(stepByKey(run, "right").outputs).toEqual({ file: "right", out: "right" });
  });
});
