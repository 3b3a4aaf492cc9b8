import { Ban, CircleCheck, CircleDashed, CircleMinus, CircleX, Clock, LoaderCircle, SkipForward, TimerOff, type LucideIcon } from "lucide-react";
import { Badge } from "@/components/ui/card";
import type { StepState } from "@/db/schema/runs";
import { cn } from "@/lib/utils";

type Tone = NonNullable<Parameters<typeof Badge>[0]["tone"]>;

/**
 * How every run and step state looks, in one table: badges, graph nodes and timeline bars. Run
 * states are a subset of step states.
 */
export const STATE_STYLE: Record<StepState, { label: string; icon: LucideIcon; tone: Tone; text: string; border: string; tint: string; bar: string }> = {
  pending: { label: "pending", icon: CircleDashed, tone: "neutral", text: "text-fg-muted", border: "border-border", tint: "", bar: "bg-fg-muted/40" },
  queued: { label: "queued", icon: Clock, tone: "neutral", text: "text-fg-muted", border: "border-fg-muted", tint: "bg-muted", bar: "bg-fg-muted/60" },
  running: { label: "running", icon: LoaderCircle, tone: "accent", text: "text-accent", border: "border-accent", tint: "bg-accent/10", bar: "bg-accent" },
  succeeded: { label: "succeeded", icon: CircleCheck, tone: "ok", text: "text-ok", border: "border-ok", tint: "bg-ok/15", bar: "bg-ok" },
  failed: { label: "failed", icon: CircleX, tone: "danger", text: "text-danger", border: "border-danger", tint: "bg-danger/15", bar: "bg-danger" },
  skipped: { label: "skipped", icon: SkipForward, tone: "neutral", text: "text-fg-muted", border: "border-border", tint: "bg-muted", bar: "bg-fg-muted/30" },
  omitted: { label: "omitted", icon: CircleMinus, tone: "neutral", text: "text-fg-muted", border: "border-border", tint: "bg-muted", bar: "bg-fg-muted/30" },
  cancelled: { label: "cancelled", icon: Ban, tone: "warn", text: "text-warn", border: "border-warn", tint: "bg-warn/15", bar: "bg-warn" },
  timed_out: { label: "timed out", icon: TimerOff, tone: "danger", text: "text-danger", border: "border-danger", tint: "bg-danger/15", bar: "bg-danger" },
};

/** A state as a coloured label with its icon (the running one spins). */
export function StateBadge({ state }: { state: StepState }) {
  const style = STATE_STYLE[state];
  const Icon = style.icon;
  return (
    <span data-state={state} className="inline-flex shrink-0">
      <Badge tone={style.tone}>
        <Icon size={12} aria-hidden className={cn("mr-1", state === "running" && "animate-spin")} />
        {style.label}
      </Badge>
    </span>
  );
}
