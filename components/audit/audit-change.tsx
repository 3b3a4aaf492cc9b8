/** The fields that differ between an event's before and after, compactly. */
export function AuditChange({ before, after }: { before: unknown; after: unknown }) {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  if (keys.length === 0) return <span className="text-xs text-fg-muted">—</span>;
  return (
    <dl className="space-y-0.5 text-xs">
      {keys.map((k) => (
        <div key={k} className="flex flex-wrap gap-1">
          <dt className="font-medium">{k}:</dt>
          {k in b && <dd className="text-danger line-through">{JSON.stringify(b[k])}</dd>}
          {k in a && <dd className="text-ok">{JSON.stringify(a[k])}</dd>}
        </div>
      ))}
    </dl>
  );
}
