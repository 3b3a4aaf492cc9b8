import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { database, isEmbedded } from "@/db/client";
import { onWake, wakeWorkers } from "./signals";

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("waking workers from a web process of the server", () => {
  const send = vi.fn();
  const ownSend = process.send;
  beforeEach(() => {
    vi.stubEnv("SLUICE_PROCESS_ROLE", "web");
    process.send = send;
    send.mockClear();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    process.send = ownSend;
  });

  it("wakes this process's workers at once and relays the wake-ups of one turn to the engine process as one", async () => {
    const heard = vi.fn();
    const stop = onWake(heard);
    wakeWorkers();
    wakeWorkers();
    expect(heard).toHaveBeenCalledTimes(2);
    await turn();
    expect(send.mock.calls).toEqual([[{ type: "sluice:wake" }]]);
    stop();
  });

  it("relays queued jobs only when the database cannot wake the engine process's LISTEN itself", async () => {
    await database();
    wakeWorkers({ queuedJobs: true });
    await turn();
    expect(send).toHaveBeenCalledTimes((await isEmbedded()) ? 1 : 0);
    // work that is not a job (an Argo run for the controller) is relayed on any database
    wakeWorkers();
    await turn();
    expect(send).toHaveBeenCalledTimes((await isEmbedded()) ? 2 : 1);
  });
});
