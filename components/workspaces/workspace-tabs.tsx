"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

export function WorkspaceTabs({ id }: { id: string }) {
  const pathname = usePathname();
  const base = `/workspaces/${id}`;
  const tabs = [
    { href: base, label: "Overview", active: pathname === base },
    { href: `${base}/workflows`, label: "Workflows", active: pathname.startsWith(`${base}/workflows`) },
    { href: `${base}/runs`, label: "Runs", active: pathname.startsWith(`${base}/runs`) },
    { href: `${base}/secrets`, label: "Secrets", active: pathname.startsWith(`${base}/secrets`) },
    { href: `${base}/connections`, label: "Connections", active: pathname.startsWith(`${base}/connections`) },
    { href: `${base}/access`, label: "Members & rules", active: pathname.startsWith(`${base}/access`) },
  ];
  return (
    <nav aria-label="Workspace" className="mb-6 flex gap-1 border-b border-border">
      {tabs.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={tab.active ? "page" : undefined}
          className={cn("-mb-px border-b-2 px-3 py-2 text-sm", tab.active ? "border-accent font-medium text-fg" : "border-transparent text-fg-muted hover:text-fg")}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
