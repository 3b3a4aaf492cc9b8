import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { vi } from "vitest";
import { database } from "@/db/client";
import { jobs } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { getTask } from "@/lib/tasks/service";
import type { Task } from "@/lib/tasks/schema";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import { createWorkspace } from "@/lib/workspaces/service";
import { bucketPrefix } from "./cloud-names";

/** A tenant with a platform admin (a person) and a workspace, for the tests of apps and buckets. */
export async function cloudFixture(prefix = "apps") {
  const { tenant, operator } = await testTenant(prefix);
  const admin = await testUser(tenant.slug, operator, { admin: true });
  const workspace = await createWorkspace(admin, { name: `ws-${randomBytes(3).toString("hex")}` });
  const bucketName = (name = randomBytes(3).toString("hex")) => `${bucketPrefix(tenant.slug)}${name}`;
  return { tenant, operator, admin, workspaceId: workspace.id, bucketName };
}

/** Waits until the task has ended (succeeded or failed) and returns it. */
export async function taskEnded(p: Principal, id: string, timeoutMs = 20_000): Promise<Task> {
  let task: Task | undefined;
  await vi.waitFor(
    async () => {
      task = await getTask(p, { id });
      if (task.state !== "succeeded" && task.state !== "failed") throw new Error(`task ${task.kind} is ${task.state}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
  return task!;
}

/** Drops the tenant's queued jobs, so that no later test file's worker runs tasks it was never meant to. */
export async function dropQueuedJobs(tenantId: string) {
  const db = await database();
  await db.delete(jobs).where(eq(jobs.tenantKey, tenantId));
}
