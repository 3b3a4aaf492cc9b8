"use client";

import { useCallback, useRef, useState } from "react";
import { restoreVersionAction, saveWorkflowAction } from "@/app/(console)/workspaces/[id]/workflows/actions";
import type { ActionResult } from "@/lib/actions/action";
import type { Problem } from "@/lib/workflows/model";
import { withPositions } from "../flow/layout";
import { fetchVersion } from "../panels/api";
import type { BuilderStore } from "../state/store";

export type LatestVersion = { version: number; author: string; createdAt: string };

export type SaveStatus =
  | { state: "idle" }
  | { state: "saving"; what: string }
  | { state: "saved"; version: number; message: string }
  | { state: "error"; message: string }
  | { state: "stale"; message: string; latest: LatestVersion };


function latestOf(details: Record<string, unknown> | undefined): LatestVersion | undefined {
  const latest = details?.latest as { version?: unknown; author?: unknown; createdAt?: unknown } | undefined;
  if (!latest || typeof latest.version !== "number") return undefined;
  const author = typeof latest.author === "string" ? latest.author : ((latest.author as { name?: string } | undefined)?.name ?? "Someone");
  return { version: latest.version, author, createdAt: typeof latest.createdAt === "string" ? latest.createdAt : "" };
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** Saving, restoring and reloading; the page re-renders after a save (the action revalidates it) while this builder stays mounted. */
export function useSave(store: BuilderStore, workspaceId: string, name: string) {
  const [status, setStatus] = useState<SaveStatus>({ state: "idle" });
  const [serverProblems, setServerProblems] = useState<Problem[]>([]);
  const busy = useRef(false);

  const handleFailure = useCallback((result: Extract<ActionResult<unknown>, { ok: false }>) => {
    if (result.code === "stale_version") {
      const latest = latestOf(result.details);
      if (latest) {
        setStatus({ state: "stale", latest, message: `${latest.author} saved version ${latest.version} at ${formatTime(latest.createdAt)}; reload or overwrite.` });
        return;
      }
    }
    if (result.code === "invalid_workflow") setServerProblems((result.details?.problems as Problem[] | undefined) ?? []);
    setStatus({ state: "error", message: result.message });
  }, []);

  /**
   * Runs one save-like action at a time: shows `what` while it runs, finishes with the saved status
   * the action computes (or the failure it reports).
   */
  const exclusive = useCallback(
    async (what: string, unreachable: string, run: () => Promise<SaveStatus & { state: "saved" } | false>) => {
      if (busy.current) return false;
      busy.current = true;
      setStatus({ state: "saving", what });
      try {
        const done = await run();
        if (!done) return false;
        setStatus(done);
        return true;
      } catch {
        setStatus({ state: "error", message: unreachable });
        return false;
      } finally {
        busy.current = false;
      }
    },
    [],
  );

  const save = useCallback(
    (message: string, options: { baseVersion?: number } = {}) =>
      exclusive("Saving…", "Could not reach the server; your changes are still here. Try again.", async () => {
        const state = store.getState();
        const spec = state.spec;
        const result = await saveWorkflowAction({ workspaceId, name, baseVersion: options.baseVersion ?? state.baseVersion, spec, message: message.trim() || undefined });
        if (!result.ok) {
          handleFailure(result);
          return false;
        }
        store.dispatch({ type: "saved", spec, version: result.data.version });
        setServerProblems([]);
        return { state: "saved", version: result.data.version, message: `Saved version ${result.data.version}.` };
      }),
    [exclusive, store, workspaceId, name, handleFailure],
  );

  const restore = useCallback(
    (version: number) =>
      exclusive(`Restoring version ${version}…`, "Could not restore the version; try again.", async () => {
        const old = await fetchVersion(workspaceId, name, version);
        const result = await restoreVersionAction({ workspaceId, name, version, baseVersion: store.getState().baseVersion });
        if (!result.ok) {
          handleFailure(result);
          return false;
        }
        store.dispatch({ type: "reset", spec: withPositions(old.spec), baseVersion: result.data.version });
        return { state: "saved", version: result.data.version, message: `Restored version ${version} as version ${result.data.version}.` };
      }),
    [exclusive, store, workspaceId, name, handleFailure],
  );

  /** Drops local changes and loads the latest saved version. */
  const reloadLatest = useCallback(
    async (version: number) => {
      setStatus({ state: "saving", what: `Loading version ${version}…` });
      try {
        const latest = await fetchVersion(workspaceId, name, version);
        store.dispatch({ type: "reset", spec: withPositions(latest.spec), baseVersion: latest.version });
        setServerProblems([]);
        setStatus({ state: "saved", version: latest.version, message: `Loaded version ${latest.version}.` });
      } catch {
        setStatus({ state: "error", message: `Could not load version ${version}.` });
      }
    },
    [store, workspaceId, name],
  );

  return { status, setStatus, serverProblems, save, restore, reloadLatest };
}
