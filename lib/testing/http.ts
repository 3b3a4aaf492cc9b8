import type { Endpoint } from "@/lib/http/endpoint";

/** Calls a route handler as Next.js would, without a server. */
export async function call(
  endpoint: Endpoint,
  options: { token?: string; params?: Record<string, string>; query?: Record<string, string>; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
) {
  const url = new URL(`http://localhost/api/v1${endpoint.spec.path.replace(/\{(\w+)\}/g, (_, k: string) => options.params?.[k] ?? k)}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers["content-type"] ??= "application/json";
  const request = new Request(url, {
    method: endpoint.spec.method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const response = await endpoint.handle(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
