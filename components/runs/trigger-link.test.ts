import { describe, expect, it } from "vitest";
import { triggerOf } from "./trigger-link";

const run = (trigger: "manual" | "api" | "schedule" | "webhook" | "event", startedBy: { kind: "user" | "client" | "system"; id: string; name: string }, triggerRef: string | null = null) => ({
  workspaceId: "ws",
  workflow: { name: "etl", version: 1 },
  trigger,
  triggerRef,
  startedBy,
});

describe("what started a run", () => {
  it("links a schedule's, webhook's or event trigger's run to it on the workflow's Triggers tab", () => {
    expect(triggerOf(run("schedule", { kind: "system", id: "s1", name: "schedule nightly" }, "s1"))).toEqual({ text: "Started by schedule nightly", href: "/workspaces/ws/workflows/etl/triggers#schedule-s1" });
    expect(triggerOf(run("webhook", { kind: "system", id: "h1", name: "webhook github" }, "h1"))).toEqual({ text: "Started by webhook github", href: "/workspaces/ws/workflows/etl/triggers#webhook-h1" });
    expect(triggerOf(run("event", { kind: "system", id: "t1", name: "event storage.commit" }, "42"))).toEqual({ text: "Started by event storage.commit (delivery 42)", href: "/workspaces/ws/workflows/etl/triggers#event-t1" });
  });

  it("links a person's or client's run to the runs they started, and says who retried a triggered run", () => {
    expect(triggerOf(run("manual", { kind: "user", id: "u1", name: "ada@example.test" }))).toEqual({ text: "Started by ada@example.test", href: "/workspaces/ws/runs?startedBy=u1" });
    expect(triggerOf(run("api", { kind: "client", id: "c1", name: "client ci" }))).toEqual({ text: "Started through the API by client ci", href: "/workspaces/ws/runs?startedBy=c1" });
    expect(triggerOf(run("schedule", { kind: "user", id: "u1", name: "ada@example.test" }, "s1"))).toEqual({ text: "Started by a schedule, retried by ada@example.test", href: "/workspaces/ws/workflows/etl/triggers" });
  });
});
