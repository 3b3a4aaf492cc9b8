"use client";

import type { DiffEdge, FieldChange, NamedListDiff, SpecDiff } from "@/lib/workflows/diff";
import { formatField } from "@/lib/workflows/validate";

function short(value: unknown): string {
  if (value === undefined) return "—";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function Changes({ changes }: { changes: readonly FieldChange[] }) {
  return (
    <ul className="ml-4 mt-0.5 space-y-0.5">
      {changes.map((change, i) => (
        <li key={i} className="font-mono text-xs">
          <span className="text-fg-muted">{formatField(change.path) || "(value)"}:</span> <span className="text-danger line-through decoration-1">{short(change.before)}</span> → <span className="text-ok">{short(change.after)}</span>
        </li>
      ))}
    </ul>
  );
}

function edgeText(edge: DiffEdge): string {
  const scope = edge.scope.length ? `${edge.scope.join(" › ")}: ` : "";
  return edge.kind === "control" ? `${scope}${edge.from} → ${edge.to} (runs after)` : `${scope}${edge.from}.${edge.output} → ${edge.to}.${edge.input}`;
}

function NamedList<T extends { name: string }>({ title, diff }: { title: string; diff: NamedListDiff<T> }) {
  if (diff.added.length + diff.removed.length + diff.changed.length === 0) return null;
  return (
    <section>
      <h4 className="text-xs font-semibold uppercase tracking-wide text-fg-muted">{title}</h4>
      <ul className="space-y-0.5 text-sm">
        {diff.added.map((item) => (
          <li key={`+${item.name}`} className="text-ok">
            + {item.name}
          </li>
        ))}
        {diff.removed.map((item) => (
          <li key={`-${item.name}`} className="text-danger">
            − {item.name}
          </li>
        ))}
        {diff.changed.map((item) => (
          <li key={`~${item.name}`}>
            ~ {item.name}
            <Changes changes={item.changes} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A readable SpecDiff: what changed from one spec to another (layout moves are only counted). */
export function DiffView({ diff, fromLabel, toLabel }: { diff: SpecDiff; fromLabel: string; toLabel: string }) {
  if (diff.equal) return <p className="text-sm text-fg-muted">No differences between {fromLabel} and {toLabel}.</p>;
  const labelChanges = Object.keys(diff.labels.added).length + Object.keys(diff.labels.removed).length + diff.labels.changed.length;
  return (
    <div className="space-y-3" data-testid="version-diff">
      <p className="text-xs text-fg-muted">
        From {fromLabel} to {toLabel}
        {diff.layoutOnly ? ": only the layout differs." : diff.steps.moved.length > 0 ? ` (and ${diff.steps.moved.length} step${diff.steps.moved.length === 1 ? "" : "s"} moved).` : "."}
      </p>
      {diff.description && (
        <section>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-fg-muted">Description</h4>
          <Changes changes={[{ path: [], before: diff.description.before, after: diff.description.after }]} />
        </section>
      )}
      {labelChanges > 0 && (
        <section>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-fg-muted">Labels</h4>
          <ul className="font-mono text-xs">
            {Object.entries(diff.labels.added).map(([k, v]) => (
              <li key={`+${k}`} className="text-ok">
                + {k}={v}
              </li>
            ))}
            {Object.entries(diff.labels.removed).map(([k, v]) => (
              <li key={`-${k}`} className="text-danger">
                − {k}={v}
              </li>
            ))}
            {diff.labels.changed.map((c) => (
              <li key={`~${c.key}`}>
                ~ {c.key}: {c.before} → {c.after}
              </li>
            ))}
          </ul>
        </section>
      )}
      <NamedList title="Inputs" diff={diff.inputs} />
      <NamedList title="Outputs" diff={diff.outputs} />
      {diff.steps.added.length + diff.steps.removed.length + diff.steps.changed.length > 0 && (
        <section>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-fg-muted">Steps</h4>
          <ul className="space-y-1 text-sm">
            {diff.steps.added.map((step) => (
              <li key={`+${step.path.join("/")}`} className="text-ok" data-testid="diff-step-added">
                + {step.path.join(" › ")} <span className="text-xs text-fg-muted">({step.kind})</span>
              </li>
            ))}
            {diff.steps.removed.map((step) => (
              <li key={`-${step.path.join("/")}`} className="text-danger" data-testid="diff-step-removed">
                − {step.path.join(" › ")} <span className="text-xs text-fg-muted">({step.kind})</span>
              </li>
            ))}
            {diff.steps.changed.map((step) => (
              <li key={`~${step.path.join("/")}`} data-testid="diff-step-changed">
                ~ {step.path.join(" › ")} <span className="text-xs text-fg-muted">({step.kind})</span>
                <Changes changes={step.changes} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.edges.added.length + diff.edges.removed.length > 0 && (
        <section>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-fg-muted">Connections</h4>
          <ul className="space-y-0.5 font-mono text-xs">
            {diff.edges.added.map((edge, i) => (
              <li key={`+${i}`} className="text-ok">
                + {edgeText(edge)}
              </li>
            ))}
            {diff.edges.removed.map((edge, i) => (
              <li key={`-${i}`} className="text-danger">
                − {edgeText(edge)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
