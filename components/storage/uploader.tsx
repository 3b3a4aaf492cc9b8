"use client";

import { GitCommitHorizontal, RotateCw, Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { commitAction, issueSasAction } from "@/lib/storage/actions";
import { uploadBlob } from "./block-upload";
import { formatBytes } from "./labels";

type Item = { file: File; sent: number; state: "waiting" | "uploading" | "done" | "failed"; error?: string };
type Destination = "loading zone" | "space";

/** After a commit its runs start in the background: the page looks again a few times. */
const REFRESH_AFTER_COMMIT_MS = [1_000, 3_000, 6_000, 10_000];

/**
 * Uploads files from the browser straight to storage with a SAS: into a folder of the loading zone
 * (then committed, which starts the space's bound workflows), or — for trustees — into the space
 * itself. Progress per file; a failed or stopped upload resumes where it broke off.
 */
export function Uploader({ organization, space, canUploadMain, defaultFolder }: { organization: string; space: string; canUploadMain: boolean; defaultFolder: string }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [folder, setFolder] = useState(defaultFolder);
  const [destination, setDestination] = useState<Destination>("loading zone");
  const [message, setMessage] = useState<{ tone: "ok" | "danger"; text: string }>();
  const [busy, setBusy] = useState(false);
  const [committing, startCommit] = useTransition();
  const cleanFolder = folder.trim().replace(/^\/+|\/+$/g, "");

  const update = (index: number, change: Partial<Item>) => setItems((all) => all.map((item, i) => (i === index ? { ...item, ...change } : item)));

  async function upload(list: Item[]) {
    setBusy(true);
    setMessage(undefined);
    const issued = await issueSasAction({ kind: destination === "space" ? "upload-main" : "upload", organization, space });
    if (!issued.ok) {
      setMessage({ tone: "danger", text: issued.message });
      setBusy(false);
      return;
    }
    for (const [index, item] of list.entries()) {
      if (item.state === "done") continue;
      update(index, { state: "uploading", error: undefined });
      try {
        const name = cleanFolder ? `${cleanFolder}/${item.file.name}` : item.file.name;
        await uploadBlob(issued.data.url, name, item.file, { onProgress: (sent) => update(index, { sent }) });
        update(index, { state: "done", sent: item.file.size });
      } catch (error) {
        update(index, { state: "failed", error: (error as Error).message });
      }
    }
    setBusy(false);
    if (destination === "space") router.refresh();
  }

  function start() {
    const files = [...(input.current?.files ?? [])];
    if (files.length === 0) return setMessage({ tone: "danger", text: "Choose one or more files first." });
    const list = files.map((file): Item => ({ file, sent: 0, state: "waiting" }));
    setItems(list);
    void upload(list);
  }

  function commit() {
    startCommit(async () => {
      const outcome = await commitAction({ organization, space, rootDir: cleanFolder });
      if (!outcome.ok) return setMessage({ tone: "danger", text: outcome.message });
      setMessage({ tone: "ok", text: `Committed ${outcome.data.files.length} file${outcome.data.files.length === 1 ? "" : "s"} from ${outcome.data.rootDir}.` });
      for (const delay of REFRESH_AFTER_COMMIT_MS) setTimeout(() => router.refresh(), delay);
    });
  }

  const unfinished = items.some((item) => item.state === "failed" || item.state === "waiting");
  return (
    <Card>
      <CardHeader
        title="Upload"
        description={destination === "loading zone" ? "Into a folder of the loading zone; commit it when complete." : "Straight into this space (trustees), without a commit."}
      />
      <div className="space-y-4 p-4">
        {canUploadMain && (
          <fieldset className="flex gap-4 text-sm">
            <legend className="sr-only">Destination</legend>
            {(["loading zone", "space"] as const).map((d) => (
              <label key={d} className="flex items-center gap-1.5">
                <input type="radio" name="destination" checked={destination === d} onChange={() => setDestination(d)} disabled={busy} /> {d === "space" ? "this space" : "the loading zone"}
              </label>
            ))}
          </fieldset>
        )}
        <Field id="upload-folder" label="Folder" hint={destination === "loading zone" ? "The commit names this folder (rootDir)." : undefined}>
          <Input id="upload-folder" value={folder} onChange={(e) => setFolder(e.target.value)} disabled={busy} />
        </Field>
        <Field id="upload-files" label="Files">
          <input id="upload-files" ref={input} type="file" multiple disabled={busy} className="block text-sm" />
        </Field>
        <div className="flex flex-wrap gap-2">
          <Button onClick={start} disabled={busy}>
            <Upload size={14} aria-hidden /> {busy ? "Uploading…" : "Upload"}
          </Button>
          {unfinished && !busy && (
            <Button variant="secondary" onClick={() => void upload(items)}>
              <RotateCw size={14} aria-hidden /> Resume
            </Button>
          )}
          {destination === "loading zone" && (
            <Button variant="secondary" onClick={commit} disabled={busy || committing || !cleanFolder}>
              <GitCommitHorizontal size={14} aria-hidden /> {committing ? "Committing…" : `Commit ${cleanFolder || "folder"}`}
            </Button>
          )}
        </div>
        {message && (
          <p role={message.tone === "danger" ? "alert" : "status"} className={message.tone === "danger" ? "text-sm text-danger" : "text-sm text-ok"}>
            {message.text}
          </p>
        )}
        {items.length > 0 && (
          <ul className="space-y-2" aria-label="Uploads">
            {items.map((item) => {
              const percent = item.file.size === 0 ? (item.state === "done" ? 100 : 0) : Math.round((item.sent / item.file.size) * 100);
              return (
                <li key={item.file.name} data-testid="upload-item" data-state={item.state} className="text-sm">
                  <div className="flex justify-between gap-2">
                    <span className="truncate">{item.file.name}</span>
                    <span className="shrink-0 text-xs text-fg-muted">
                      {formatBytes(item.sent)} / {formatBytes(item.file.size)} · {item.state}
                    </span>
                  </div>
                  <div role="progressbar" aria-label={`Upload of ${item.file.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="mt-1 h-1.5 overflow-hidden rounded bg-muted">
                    <div className={item.state === "failed" ? "h-full bg-danger" : "h-full bg-accent transition-[width]"} style={{ width: `${percent}%` }} />
                  </div>
                  {item.error && <p className="text-xs text-danger">{item.error}</p>}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </Card>
  );
}
