/** Times as the rest of the console shows them (UTC, to the second), the same on the server and in the browser. */
export function formatTime(iso: string | null): string {
  return iso ? iso.replace("T", " ").slice(0, 19) : "—";
}

/** A duration in the largest units that keep it short: "850 ms", "12.4 s", "3 m 05 s", "2 h 10 m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const s = Math.floor(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} m`;
}

/** How long something took, or has taken until `now` while it runs; nothing before it started. */
export function elapsed(startedAt: string | null, finishedAt: string | null, now?: number): string {
  if (!startedAt) return "—";
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return end === undefined ? "…" : formatDuration(end - Date.parse(startedAt));
}
