import type { Metadata } from "next";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { allEndpoints, jsonSchema } from "@/lib/http/openapi";
import type { z } from "zod";

export const metadata: Metadata = { title: "API reference" };

const METHOD_TONES = { GET: "ok", POST: "accent", PUT: "warn", PATCH: "warn", DELETE: "danger" } as const;

function schemaText(schema: z.ZodType | undefined, io: "input" | "output") {
  return schema && JSON.stringify(jsonSchema(schema, io), null, 2);
}

/** A readable reference rendered from the same endpoint definitions as /api/v1/openapi.json; works offline. */
export default function ApiReferencePage() {
  const endpoints = allEndpoints();
  const tags = [...new Set(endpoints.map((e) => e.spec.tag))];
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            Every endpoint under <code>/api/v1</code>. Get a token with <code>POST /api/v1/oauth/token</code> (client credentials) and send it as{" "}
            <code>Authorization: Bearer …</code>. Machine-readable: <a className="text-accent underline" href="/api/v1/openapi.json">openapi.json</a>.
          </>
        }
      />
      <nav aria-label="API sections" className="mb-6 flex flex-wrap gap-2 text-sm">
        {tags.map((t) => (
          <a key={t} href={`#${t.replace(/\s+/g, "-")}`} className="rounded border border-border px-2 py-1 hover:bg-muted">
            {t}
          </a>
        ))}
      </nav>
      <div className="space-y-8">
        {tags.map((tag) => (
          <section key={tag} id={tag.replace(/\s+/g, "-")} aria-labelledby={`h-${tag}`}>
            <h2 id={`h-${tag}`} className="mb-3 text-lg font-semibold">
              {tag}
            </h2>
            <div className="space-y-3">
              {endpoints
                .filter((e) => e.spec.tag === tag)
                .map(({ spec }) => {
                  const body = schemaText(spec.body, "input");
                  const query = schemaText(spec.query, "input");
                  const response = schemaText(spec.response, "output");
                  return (
                    <Card key={`${spec.method} ${spec.path}`} className="p-4">
                      <div className="flex flex-wrap items-center gap-2">
                        <Badge tone={METHOD_TONES[spec.method]}>{spec.method}</Badge>
                        <code className="text-sm font-medium">/api/v1{spec.path}</code>
                        {spec.scope ? <Badge>scope {spec.scope}</Badge> : <Badge tone="warn">no token</Badge>}
                      </div>
                      <p className="mt-2 text-sm text-fg-muted">{spec.summary}</p>
                      {[
                        ["Query", query],
                        ["Request body", body],
                        [`Response ${spec.status ?? (spec.response ? 200 : 204)}`, response],
                      ]
                        .filter((pair): pair is [string, string] => Boolean(pair[1]))
                        .map(([label, text]) => (
                          <details key={label} className="mt-2">
                            <summary className="cursor-pointer text-sm font-medium">{label}</summary>
                            <pre className="mt-1 max-h-80 overflow-auto rounded bg-muted p-2 text-xs">{text}</pre>
                          </details>
                        ))}
                    </Card>
                  );
                })}
            </div>
          </section>
        ))}
      </div>
    </>
  );
}
