import { Badge } from "@/components/ui/card";
import type { Workspace } from "@/lib/workspaces/schema";

const TONES = { none: "neutral", viewer: "neutral", editor: "accent", admin: "ok" } as const;

export function AccessBadge({ access }: { access: Workspace["access"] }) {
  return <Badge tone={TONES[access]}>{access === "none" ? "no access" : access}</Badge>;
}

export function RulesSummary({ rules }: { rules?: string[][] }) {
  if (!rules || rules.length === 0) return <span className="text-fg-muted">members only</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {rules.map((list, i) => (
        <span key={i} className="flex items-center gap-1">
          {i > 0 && <span className="text-xs text-fg-muted">or</span>}
          <code className="rounded bg-muted px-1.5 py-0.5 text-xs">{list.join(" + ")}</code>
        </span>
      ))}
    </span>
  );
}
