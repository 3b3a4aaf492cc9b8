import { database } from "@/db/client";
import { runLogs } from "@/db/schema";

export type LogStream = "stdout" | "stderr" | "system";
export type PendingChunk = { stream: LogStream; text: string };

const FLUSH_BYTES = 32 * 1024;
const FLUSH_MS = 250;
/** A step that ends within a second has its whole log written with its end, in the same statement. */
const FIRST_FLUSH_MS = 1_000;
/** Logs beyond this per attempt are dropped, with one line saying so. */
export const MAX_LOG_BYTES = 16 * 1024 * 1024;
export const MASK = "***";

/** Replaces every secret value in `text` with ***. Longest first, so one secret inside another is masked whole. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) if (secret) masked = masked.split(secret).join(MASK);
  return masked;
}

/**
 * A step attempt's log: chunks as they come, masked, written to the database every 250 ms (the
 * first time after a second) or 32 KiB.
 * A secret split across two writes is still masked: the last (longest secret − 1) characters of a
 * stream wait for the next write. What is still pending at the end goes into the step's completion
 * transaction (`drain`).
 */
export class LogWriter {
  private pending: PendingChunk[] = [];
  private held = new Map<LogStream, string>();
  private size = 0;
  private total = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushed = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly secrets: string[];
  private readonly hold: number;
  /** every stdout character, masked, for the `stdout` output (bounded) */
  stdout = "";

  constructor(
    private readonly runId: string,
    private readonly stepId: number,
    private readonly attempt: number,
    secrets: Iterable<string>,
    private readonly onChunk?: () => void,
  ) {
    this.secrets = [...new Set(secrets)].filter(Boolean).sort((a, b) => b.length - a.length);
    this.hold = this.secrets.length > 0 ? this.secrets[0].length - 1 : 0;
  }

  mask(text: string) {
    return maskSecrets(text, this.secrets);
  }

  write(stream: LogStream, text: string) {
    const combined = (this.held.get(stream) ?? "") + text;
    const cut = Math.max(0, combined.length - this.hold);
    // only hold back a tail that could be the start of a secret
    const masked = this.mask(combined.slice(0, cut) + combined.slice(cut));
    const keep = this.hold > 0 ? Math.min(this.hold, masked.length) : 0;
    this.held.set(stream, masked.slice(masked.length - keep));
    this.push(stream, masked.slice(0, masked.length - keep));
  }

  system(text: string) {
    this.push("system", `${text}\n`);
  }

  private push(stream: LogStream, text: string) {
    if (!text) return;
    if (stream === "stdout" && this.stdout.length < MAX_LOG_BYTES) this.stdout += text;
    if (this.total >= MAX_LOG_BYTES) return;
    this.total += text.length;
    if (this.total >= MAX_LOG_BYTES) text += `\n[log truncated at ${MAX_LOG_BYTES} bytes]\n`;
    const last = this.pending[this.pending.length - 1];
    if (last && last.stream === stream) last.text += text;
    else this.pending.push({ stream, text });
    this.size += text.length;
    if (this.size >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushed ? FLUSH_MS : FIRST_FLUSH_MS);
  }

  /** Writes what is pending now (in the background, in order). */
  flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const chunks = this.pending;
    this.pending = [];
    this.size = 0;
    if (chunks.length === 0) return;
    this.flushed = true;
    this.writing = this.writing.then(async () => {
      const db = await database();
      await db.insert(runLogs).values(chunks.map((c) => ({ runId: this.runId, stepId: this.stepId, attempt: this.attempt, stream: c.stream, text: c.text })));
      this.onChunk?.();
    }).catch(() => undefined);
  }

  /** Waits for background writes and returns what is left, for the completion transaction. */
  async drain(): Promise<PendingChunk[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [stream, text] of this.held) if (text) this.push(stream, text);
    this.held.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    const rest = this.pending;
    this.pending = [];
    this.size = 0;
    if (this.stdout.endsWith("")) this.stdout = this.mask(this.stdout);
    return rest;
  }
}
