"use client";

import { Download } from "lucide-react";
import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Input } from "@/components/ui/field";
import type { LogChunk } from "@/lib/engine/runs/schema";
import { cn } from "@/lib/utils";
import { logsUrl } from "./api";
import { appendChunks, type Line } from "./log-lines";

function Highlighted({ text, term }: { text: string; term: string }) {
  if (!term) return <>{text}</>;
  const parts = text.split(new RegExp(`(${term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})`, "gi"));
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <mark key={i} className="rounded-sm bg-warn/40 text-fg">
            {part}
          </mark>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

/**
 * A step's log, live: Server-Sent Events from the logs endpoint until the run ends. Follow mode keeps
 * the newest line in view (scrolling up leaves it); the search shows only the lines that match.
 */
export function LogViewer({ workspaceId, runId, stepId }: { workspaceId: string; runId: string; stepId: number }) {
  const [log, setLog] = useState<{ lines: Line[]; dropped: number }>({ lines: [], dropped: 0 });
  const [stream, setStream] = useState<{ state: "open" | "ended" | "failed"; message?: string }>({ state: "open" });
  const [follow, setFollow] = useState(true);
  const [term, setTerm] = useState("");
  const box = useRef<HTMLDivElement>(null);
  const url = logsUrl(workspaceId, runId, { step: stepId });

  useEffect(() => {
    const source = new EventSource(url);
    let pending: LogChunk[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const chunks = pending;
      pending = [];
      setLog((previous) => {
        const appended = appendChunks(previous.lines, chunks);
        return { lines: appended.lines, dropped: previous.dropped + appended.dropped };
      });
    };
    source.addEventListener("chunk", (event) => {
      pending.push(JSON.parse((event as MessageEvent<string>).data) as LogChunk);
      frame ||= requestAnimationFrame(flush);
    });
    source.addEventListener("end", () => {
      source.close();
      setStream({ state: "ended" });
    });
    source.addEventListener("error", (event) => {
      // the server's own `event: error` carries a message; a lost connection is retried by EventSource
      const data = event instanceof MessageEvent && typeof event.data === "string" ? (JSON.parse(event.data) as { message?: string }) : undefined;
      if (data || source.readyState === EventSource.CLOSED) {
        source.close();
        setStream({ state: "failed", message: data?.message ?? "The log could not be read." });
      }
    });
    return () => {
      source.close();
      cancelAnimationFrame(frame);
    };
  }, [url]);

  const shown = useMemo(() => {
    const needle = term.toLowerCase();
    return log.lines.map((line, index) => ({ line, index })).filter(({ line }) => !needle || line.text.toLowerCase().includes(needle));
  }, [log.lines, term]);

  useLayoutEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [follow, shown]);

  const status = stream.state === "failed" ? stream.message : stream.state === "ended" ? "End of log." : "Following the log as it is written…";
  return (
    <section aria-label="Step log" className="space-y-2" data-testid="log-viewer" data-stream={stream.state}>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`log-search-${stepId}`} className="sr-only">
          Search the log
        </label>
        <Input id={`log-search-${stepId}`} type="search" value={term} onChange={(event) => setTerm(event.target.value)} placeholder="Search the log" className="h-8 w-40 flex-1 text-xs" />
        <label className="flex items-center gap-1.5 text-xs">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> Follow
        </label>
        <a href={logsUrl(workspaceId, runId, { step: stepId, download: true })} download className="flex items-center gap-1 text-xs text-accent hover:underline">
          <Download size={13} aria-hidden /> Download
        </a>
      </div>
      <div
        ref={box}
        role="log"
        aria-live="off"
        aria-label="Log lines"
        tabIndex={0}
        data-testid="log-lines"
        onScroll={(event) => {
          const el = event.currentTarget;
          if (follow && el.scrollHeight - el.scrollTop - el.clientHeight > 24) setFollow(false);
        }}
        className="h-72 overflow-auto rounded-md border border-border bg-bg p-2 font-mono text-xs leading-5"
      >
        {log.dropped > 0 && <p className="text-fg-muted">{log.dropped.toLocaleString("en")} earlier lines are not shown; download the log for all of it.</p>}
        {shown.map(({ line, index }) => {
          const previous = index > 0 ? log.lines[index - 1] : undefined;
          const newAttempt = line.attempt !== null && (previous === undefined ? line.attempt > 1 : previous.attempt !== line.attempt);
          return (
            <Fragment key={index}>
              {newAttempt && !term && <p className="mt-1 border-t border-border pt-1 font-sans text-fg-muted">Attempt {line.attempt}</p>}
              <p className={cn("whitespace-pre-wrap break-all", line.stream === "stderr" && "text-danger", line.stream === "system" && "italic text-fg-muted")}>
                <Highlighted text={line.text} term={term} />
              </p>
            </Fragment>
          );
        })}
        {log.lines.length === 0 && <p className="font-sans text-fg-muted">{stream.state === "open" ? "No output yet." : "This step wrote nothing."}</p>}
      </div>
      <p role="status" className={cn("text-xs", stream.state === "failed" ? "text-danger" : "text-fg-muted")}>
        {term ? `${shown.length} of ${log.lines.length} lines match. ` : ""}
        {status}
      </p>
    </section>
  );
}
