import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { argoSchemaErrors } from "@/lib/workflows/argo/schema.testing";

/**
 * Test helper: a Kubernetes API server on loopback, enough of one for the `argo` engine, which the
 * real @kubernetes/client-node talks to through a generated kubeconfig. It keeps objects per
 * collection with resource versions and an event history, and checks what it is sent: the bearer
 * token, paths, content types, that bodies name what their path names, Workflows and CronWorkflows
 * against Argo's JSON Schema, Secrets' data as base64, resource versions on replace. Tests play back
 * Argo's part (status updates of Workflows, pods and their logs) and break things on purpose: dropped
 * watch connections, compacted history (410 Gone), a log stream that ends early.
 */

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
};

export type RecordedRequest = { method: string; path: string; query: URLSearchParams; contentType: string | undefined; body: unknown };
type Event = { type: "ADDED" | "MODIFIED" | "DELETED"; object: KubeObject; rv: number };
type Watcher = { collection: string; selector: string | null; res: http.ServerResponse };
type PodLog = { lines: { at: Date; text: string }[]; started: boolean; ended: boolean; followers: Set<http.ServerResponse> };

const TOKEN = "sluice-test-token";
const KINDS: Record<string, { kind: string; apiVersion: string }> = {
  namespaces: { kind: "Namespace", apiVersion: "v1" },
  configmaps: { kind: "ConfigMap", apiVersion: "v1" },
  secrets: { kind: "Secret", apiVersion: "v1" },
  pods: { kind: "Pod", apiVersion: "v1" },
  workflows: { kind: "Workflow", apiVersion: "argoproj.io/v1alpha1" },
  cronworkflows: { kind: "CronWorkflow", apiVersion: "argoproj.io/v1alpha1" },
};

const ROUTES: { pattern: RegExp; resource?: string; log?: true }[] = [
  { pattern: /^\/api\/v1\/(namespaces)(?:\/([^/]+))?$/ },
  { pattern: /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/, log: true },
  { pattern: /^\/api\/v1\/namespaces\/([^/]+)\/(configmaps|secrets|pods)(?:\/([^/]+))?$/ },
  { pattern: /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/(workflows|cronworkflows)(?:\/([^/]+))?$/ },
];

const clone = <T>(value: T): T => structuredClone(value);

function status(res: http.ServerResponse, code: number, reason: string, message: string) {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }));
}

function json(res: http.ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** `a=b,c` label selectors (equality and existence), as the engine uses them. */
function matches(selector: string | null, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    return value === undefined ? labels?.[key] !== undefined : labels?.[key] === value;
  });
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = typeof target === "object" && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** The kubelet's `timestamps=true` form: RFC 3339 with nanoseconds. */
const logTime = (at: Date) => at.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");

export class KubeTestServer {
  readonly requests: RecordedRequest[] = [];
  /** requests for paths this server does not serve (a test asserts there are none) */
  readonly unexpected: string[] = [];
  private rv = 1000;
  private compactedThrough = 0;
  private readonly collections = new Map<string, Map<string, KubeObject>>();
  private readonly history = new Map<string, Event[]>();
  private readonly watchers = new Set<Watcher>();
  private readonly logs = new Map<string, PodLog>();
  private lastLogAt = 0;
  private readonly refusals: { method: string; resource: string; code: number; message: string }[] = [];
  private server!: http.Server;
  private dir!: string;
  url = "";
  kubeconfig = "";

  static async start(): Promise<KubeTestServer> {
    const kube = new KubeTestServer();
    kube.server = http.createServer((req, res) => void kube.handle(req, res));
    await new Promise<void>((resolve) => kube.server.listen(0, "127.0.0.1", resolve));
    kube.url = `http://127.0.0.1:${(kube.server.address() as AddressInfo).port}`;
    kube.dir = mkdtempSync(path.join(os.tmpdir(), "sluice-kube-"));
    kube.kubeconfig = path.join(kube.dir, "config");
    writeFileSync(
      kube.kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: loopback",
        "  cluster:",
        `    server: ${kube.url}`,
        // plain HTTP on loopback: client-node allows it only with this set
        "    insecure-skip-tls-verify: true",
        "users:",
        "- name: sluice",
        "  user:",
        `    token: ${TOKEN}`,
        "contexts:",
        "- name: loopback",
        "  context: { cluster: loopback, user: sluice }",
        "current-context: loopback",
      ].join("\n"),
    );
    return kube;
  }

  async close() {
    for (const watcher of this.watchers) watcher.res.destroy();
    for (const log of this.logs.values()) for (const follower of log.followers) follower.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  // ---------------------------------------------------------------------------------------------
  // What tests do (Argo's and the operator's part)

  /** An object as it is now (a copy). */
  get(resource: string, namespace: string | null, name: string): KubeObject | undefined {
    const found = this.collections.get(this.key(resource, namespace))?.get(name);
    return found && clone(found);
  }

  list(resource: string, namespace: string | null): KubeObject[] {
    return [...(this.collections.get(this.key(resource, namespace))?.values() ?? [])].map(clone);
  }

  /** Creates or replaces an object as kubectl or a controller would. */
  put(resource: string, namespace: string | null, object: KubeObject): KubeObject {
    const existing = this.collections.get(this.key(resource, namespace))?.get(object.metadata.name);
    return this.store(resource, namespace, { ...KINDS[resource], ...clone(object), metadata: { ...clone(object.metadata), ...(namespace ? { namespace } : {}) } }, existing ? "MODIFIED" : "ADDED");
  }

  remove(resource: string, namespace: string | null, name: string) {
    const collection = this.collections.get(this.key(resource, namespace));
    const existing = collection?.get(name);
    if (!existing) return;
    collection!.delete(name);
    this.record(resource, namespace, "DELETED", { ...existing, metadata: { ...existing.metadata, resourceVersion: String(++this.rv) } });
  }

  /** Argo's controller writing a Workflow's status. */
  setStatus(namespace: string, name: string, status: unknown): KubeObject {
    const workflow = this.get("workflows", namespace, name);
    if (!workflow) throw new Error(`no workflow ${namespace}/${name}`);
    return this.put("workflows", namespace, { ...workflow, status });
  }

  /** The next `method` on `resource` is refused with this status (RBAC, admission, quota). */
  refuseNext(method: string, resource: string, code: number, message: string) {
    this.refusals.push({ method, resource, code, message });
  }

  /** Ends every open watch connection abruptly (the client sees the connection drop). */
  dropWatches() {
    for (const watcher of this.watchers) watcher.res.destroy();
    this.watchers.clear();
  }

  /** Forgets the event history: watches from any earlier resource version get 410 Gone. */
  compact() {
    this.compactedThrough = this.rv;
    for (const events of this.history.values()) events.length = 0;
  }

  watchRequests(resource: string, namespace: string | null) {
    const prefix = resource === "namespaces" ? "/api/v1/namespaces" : `${resource === "workflows" || resource === "cronworkflows" ? "/apis/argoproj.io/v1alpha1" : "/api/v1"}/namespaces/${namespace}/${resource}`;
    return this.requests.filter((r) => r.method === "GET" && r.path === prefix && r.query.get("watch") === "true");
  }

  /** A pod Argo started for a node (annotated with it); its main container starts with `startPod`. */
  addPod(namespace: string, name: string, workflow: string, nodeId: string) {
    this.put("pods", namespace, { metadata: { name, labels: { "workflows.argoproj.io/workflow": workflow }, annotations: { "workflows.argoproj.io/node-id": nodeId } } });
    this.logs.set(`${namespace}/${name}`, { lines: [], started: false, ended: false, followers: new Set() });
  }

  /** The pod's main container prints these lines (each a millisecond after the last, as a kubelet stamps them). */
  printLog(namespace: string, pod: string, ...lines: string[]) {
    const log = this.podLog(namespace, pod);
    log.started = true;
    for (const text of lines) {
      this.lastLogAt = Math.max(Date.now(), this.lastLogAt + 1);
      const line = { at: new Date(this.lastLogAt), text };
      log.lines.push(line);
      for (const follower of log.followers) follower.write(`${logTime(line.at)} ${text}\n`);
    }
  }

  /** The container ended: following streams end. */
  endLog(namespace: string, pod: string) {
    const log = this.podLog(namespace, pod);
    log.started = true;
    log.ended = true;
    for (const follower of log.followers) follower.end();
    log.followers.clear();
  }

  /** Closes the pod's open log streams while it still runs (the API server does this at times). */
  cutLogStreams(namespace: string, pod: string) {
    const log = this.podLog(namespace, pod);
    for (const follower of log.followers) follower.end();
    log.followers.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // The API

  private key(resource: string, namespace: string | null) {
    return namespace ? `${resource}/${namespace}` : resource;
  }

  private podLog(namespace: string, pod: string): PodLog {
    const log = this.logs.get(`${namespace}/${pod}`);
    if (!log) throw new Error(`no pod ${namespace}/${pod}`);
    return log;
  }

  private store(resource: string, namespace: string | null, object: KubeObject, type: Event["type"]): KubeObject {
    const key = this.key(resource, namespace);
    if (!this.collections.has(key)) this.collections.set(key, new Map());
    const stored: KubeObject = { ...object, metadata: { creationTimestamp: new Date().toISOString(), ...object.metadata, resourceVersion: String(++this.rv) } };
    this.collections.get(key)!.set(stored.metadata.name, stored);
    this.record(resource, namespace, type, stored);
    return clone(stored);
  }

  private record(resource: string, namespace: string | null, type: Event["type"], object: KubeObject) {
    const key = this.key(resource, namespace);
    const event: Event = { type, object: clone(object), rv: Number(object.metadata.resourceVersion) };
    if (!this.history.has(key)) this.history.set(key, []);
    this.history.get(key)!.push(event);
    for (const watcher of this.watchers) {
      if (watcher.collection === key && matches(watcher.selector, object.metadata.labels)) watcher.res.write(`${JSON.stringify({ type, object })}\n`);
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return status(res, 400, "BadRequest", "the body is not JSON");
    }
    this.requests.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, contentType: req.headers["content-type"], body });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(res, 401, "Unauthorized", "no valid bearer token");
    for (const route of ROUTES) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      if (route.log) return this.serveLog(match[1], match[2], url.searchParams, res);
      const [resource, namespace, name] = match[1] === "namespaces" ? ["namespaces", null, match[2]] : [match[2], match[1], match[3]];
      return this.serve(req.method ?? "GET", resource, namespace, name, url.searchParams, body, req.headers["content-type"], res);
    }
    this.unexpected.push(`${req.method} ${url.pathname}`);
    status(res, 404, "NotFound", `no route for ${url.pathname}`);
  }

  private serve(method: string, resource: string, namespace: string | null, name: string | undefined, query: URLSearchParams, body: unknown, contentType: string | undefined, res: http.ServerResponse) {
    const refusal = this.refusals.findIndex((r) => r.method === method && r.resource === resource);
    if (refusal >= 0) {
      const [{ code, message }] = this.refusals.splice(refusal, 1);
      return status(res, code, code === 403 ? "Forbidden" : "Invalid", message);
    }
    const collection = this.collections.get(this.key(resource, namespace)) ?? new Map<string, KubeObject>();
    const { kind, apiVersion } = KINDS[resource];
    if (namespace && resource !== "namespaces" && !this.collections.get("namespaces")?.has(namespace) && method !== "GET") {
      return status(res, 404, "NotFound", `namespaces "${namespace}" not found`);
    }
    if (!name) {
      if (method === "GET" && query.get("watch") === "true") return this.watch(resource, namespace, query, res);
      if (method === "GET") {
        const items = [...collection.values()].filter((o) => matches(query.get("labelSelector"), o.metadata.labels));
        return json(res, 200, { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: String(this.rv) }, items });
      }
      if (method === "POST") {
        const problem = this.check(resource, namespace, undefined, body, contentType);
        if (problem) return status(res, problem.code, problem.reason, problem.message);
        const object = body as KubeObject;
        if (collection.has(object.metadata.name)) return status(res, 409, "AlreadyExists", `${resource} "${object.metadata.name}" already exists`);
        return json(res, 201, this.store(resource, namespace, { ...object, metadata: { ...object.metadata, ...(namespace ? { namespace } : {}) } }, "ADDED"));
      }
      return status(res, 405, "MethodNotAllowed", `${method} on a collection`);
    }
    const existing = collection.get(name);
    if (!existing && method !== "GET") return status(res, 404, "NotFound", `${resource} "${name}" not found`);
    switch (method) {
      case "GET":
        return existing ? json(res, 200, existing) : status(res, 404, "NotFound", `${resource} "${name}" not found`);
      case "PUT": {
        const problem = this.check(resource, namespace, name, body, contentType);
        if (problem) return status(res, problem.code, problem.reason, problem.message);
        const object = body as KubeObject;
        if (object.metadata.resourceVersion !== existing!.metadata.resourceVersion) return status(res, 409, "Conflict", "the object has been modified; resourceVersion does not match");
        return json(res, 200, this.store(resource, namespace, { ...object, metadata: { ...object.metadata, ...(namespace ? { namespace } : {}) } }, "MODIFIED"));
      }
      case "PATCH": {
        if (contentType !== "application/merge-patch+json") return status(res, 415, "UnsupportedMediaType", `patches here are merge patches, not ${contentType}`);
        const patched = mergePatch(existing, body) as KubeObject;
        if (patched.metadata.name !== name) return status(res, 422, "Invalid", "a patch cannot rename");
        return json(res, 200, this.store(resource, namespace, patched, "MODIFIED"));
      }
      case "DELETE":
        this.remove(resource, namespace, name);
        return json(res, 200, { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind: resource } });
      default:
        return status(res, 405, "MethodNotAllowed", method);
    }
  }

  /** What a real API server would refuse in a create or replace body. */
  private check(resource: string, namespace: string | null, name: string | undefined, body: unknown, contentType: string | undefined): { code: number; reason: string; message: string } | undefined {
    const invalid = (message: string) => ({ code: 422, reason: "Invalid", message });
    if (!contentType?.startsWith("application/json")) return { code: 415, reason: "UnsupportedMediaType", message: `bodies are JSON, not ${contentType}` };
    const object = body as KubeObject | undefined;
    if (!object?.metadata?.name) return invalid("metadata.name: Required value");
    if (name && object.metadata.name !== name) return invalid("metadata.name does not match the path");
    if (namespace && object.metadata.namespace && object.metadata.namespace !== namespace) return { code: 400, reason: "BadRequest", message: "the namespace of the object does not match the namespace on the request" };
    if (object.kind !== undefined && object.kind !== KINDS[resource].kind) return { code: 400, reason: "BadRequest", message: `kind ${object.kind} sent to ${resource}` };
    if (resource === "workflows" || resource === "cronworkflows") {
      const errors = argoSchemaErrors(body, KINDS[resource].kind as "Workflow" | "CronWorkflow");
      if (errors.length > 0) return invalid(`not a valid ${KINDS[resource].kind}: ${errors.slice(0, 5).join("; ")}`);
    }
    if (resource === "secrets") {
      const data = (object as { data?: Record<string, string> }).data ?? {};
      for (const [key, value] of Object.entries(data)) {
        if (!/^[-._a-zA-Z0-9]+$/.test(key)) return invalid(`data[${key}]: a valid config key must consist of alphanumeric characters, '-', '_' or '.'`);
        if (Buffer.from(value, "base64").toString("base64") !== value) return invalid(`data[${key}]: not base64`);
      }
    }
    return undefined;
  }

  private watch(resource: string, namespace: string | null, query: URLSearchParams, res: http.ServerResponse) {
    const key = this.key(resource, namespace);
    const selector = query.get("labelSelector");
    const from = query.get("resourceVersion");
    res.writeHead(200, { "content-type": "application/json" });
    res.flushHeaders();
    if (from && from !== "0" && Number(from) < this.compactedThrough) {
      res.end(`${JSON.stringify({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", message: `too old resource version: ${from} (${this.compactedThrough})`, reason: "Expired", code: 410 } })}\n`);
      return;
    }
    if (from && from !== "0") {
      for (const event of this.history.get(key) ?? []) {
        if (event.rv > Number(from) && matches(selector, event.object.metadata.labels)) res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
      }
    } else {
      for (const object of this.collections.get(key)?.values() ?? []) if (matches(selector, object.metadata.labels)) res.write(`${JSON.stringify({ type: "ADDED", object })}\n`);
    }
    const watcher: Watcher = { collection: key, selector, res };
    this.watchers.add(watcher);
    res.on("close", () => this.watchers.delete(watcher));
  }

  private serveLog(namespace: string, pod: string, query: URLSearchParams, res: http.ServerResponse) {
    const log = this.logs.get(`${namespace}/${pod}`);
    if (!log) return status(res, 404, "NotFound", `pods "${pod}" not found`);
    if (query.get("container") !== "main" || query.get("timestamps") !== "true") return status(res, 400, "BadRequest", "the engine reads container main with timestamps");
    if (!log.started) return status(res, 400, "BadRequest", `container "main" in pod "${pod}" is waiting to start: ContainerCreating`);
    const since = query.get("sinceTime");
    // the kubelet compares whole seconds: sinceTime is RFC 3339 without fractions
    const sinceMs = since ? Math.floor(Date.parse(since) / 1000) * 1000 : 0;
    res.writeHead(200, { "content-type": "text/plain" });
    res.flushHeaders();
    for (const line of log.lines) if (line.at.getTime() >= sinceMs) res.write(`${logTime(line.at)} ${line.text}\n`);
    if (query.get("follow") === "true" && !log.ended) {
      log.followers.add(res);
      res.on("close", () => log.followers.delete(res));
    } else res.end();
  }
}
