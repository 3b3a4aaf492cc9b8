"use client";

import { LogOut, Moon, Sun } from "lucide-react";
import { signOut } from "next-auth/react";
import { Button } from "@/components/ui/button";

function toggleTheme() {
  const dark = document.documentElement.classList.toggle("dark");
  localStorage.setItem("theme", dark ? "dark" : "light");
}

export function UserMenu({ name, tenant }: { name: string; tenant: string }) {
  return (
    <div className="flex items-center gap-2">
      <Button variant="ghost" size="icon" aria-label="Toggle dark mode" onClick={toggleTheme}>
        <Sun size={16} className="hidden dark:block" aria-hidden />
        <Moon size={16} className="dark:hidden" aria-hidden />
      </Button>
      <div className="text-right text-xs leading-tight">
        <div className="font-medium" data-testid="current-user">
          {name}
        </div>
        <div className="text-fg-muted">tenant {tenant}</div>
      </div>
      <Button variant="ghost" size="icon" aria-label="Sign out" onClick={() => signOut({ callbackUrl: "/sign-in" })}>
        <LogOut size={16} aria-hidden />
      </Button>
    </div>
  );
}
