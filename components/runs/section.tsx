import type { ReactNode } from "react";

/** A titled part of the panel beside a run's graph. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-1.5 border-b border-border px-3 py-2.5">
      <h4 className="text-xs font-semibold uppercase tracking-wide text-fg-muted">{title}</h4>
      {children}
    </section>
  );
}
