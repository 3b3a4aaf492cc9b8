"use client";

import { Boxes, Database, FileClock, FolderKanban, HardDrive, LayoutGrid, Link2, ListChecks, Play, Shield, Terminal, Users, Workflow } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const SECTIONS = [
  { href: "/workspaces", label: "Workspaces", icon: LayoutGrid },
  { href: "/workflows", label: "Workflows", icon: Workflow },
  { href: "/runs", label: "Runs", icon: Play },
  { href: "/apps", label: "Apps", icon: Boxes },
  { href: "/buckets", label: "Buckets", icon: Database },
  { href: "/users", label: "Users", icon: Users },
  { href: "/tasks", label: "Tasks", icon: ListChecks },
  { href: "/storage", label: "Storage", icon: HardDrive },
] as const;

const ADMIN = [
  { href: "/clients", label: "Machine clients", icon: Shield },
  { href: "/oauth-providers", label: "OAuth providers", icon: Link2 },
  { href: "/audit", label: "Audit log", icon: FileClock },
  { href: "/api-reference", label: "API reference", icon: Terminal },
] as const;

export function Sidebar({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  const link = (href: string, label: string, Icon: typeof FolderKanban) => {
    const active = pathname === href || pathname.startsWith(`${href}/`);
    return (
      <li key={href}>
        <Link
          href={href}
          aria-current={active ? "page" : undefined}
          className={cn("flex items-center gap-2 rounded-md px-2.5 py-1.5 text-sm hover:bg-muted", active && "bg-muted font-medium text-fg")}
        >
          <Icon size={16} aria-hidden /> {label}
        </Link>
      </li>
    );
  };
  return (
    <nav aria-label="Main" className="flex flex-col gap-6 text-fg-muted">
      <ul className="space-y-0.5">
        {SECTIONS.map((s) =>
          "soon" in s ? (
            <li key={s.label}>
              <span className="flex cursor-default items-center gap-2 rounded-md px-2.5 py-1.5 text-sm opacity-60" aria-disabled="true" title="Coming soon">
                <s.icon size={16} aria-hidden /> {s.label}
                <span className="ml-auto rounded bg-muted px-1.5 text-[10px] uppercase tracking-wide">soon</span>
              </span>
            </li>
          ) : (
            link(s.href, s.label, s.icon)
          ),
        )}
      </ul>
      <div>
        <p className="px-2.5 pb-1 text-[11px] font-semibold uppercase tracking-wider">Administration</p>
        <ul className="space-y-0.5">{ADMIN.filter((a) => isAdmin || a.href === "/api-reference").map((a) => link(a.href, a.label, a.icon))}</ul>
      </div>
    </nav>
  );
}
