"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

/** Editor | Triggers, below a workflow's name. */
export function WorkflowTabs({ workspaceId, name }: { workspaceId: string; name: string }) {
  const pathname = usePathname();
  const base = `/workspaces/${workspaceId}/workflows/${name}`;
  const tabs = [
    { href: base, label: "Editor", active: pathname === base },
    { href: `${base}/triggers`, label: "Triggers", active: pathname === `${base}/triggers` },
  ];
  return (
    <nav aria-label="Workflow" className="flex gap-1">
      {tabs.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={tab.active ? "page" : undefined}
          className={cn("rounded-md px-2.5 py-1 text-sm", tab.active ? "bg-muted font-medium text-fg" : "text-fg-muted hover:bg-muted hover:text-fg")}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
