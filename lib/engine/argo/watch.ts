import { log } from "@/lib/log/logger";
import { kube, kubeStatus, workflowsOf } from "./kube";
import { MANAGED_SELECTOR } from "./names";
import type { ArgoWorkflowObject } from "./resources";

/**
 * Follows Sluice's Workflows in one namespace: list, then watch from the list's resource version.
 * Each event is handled in order before the next; the resource version of the last one handled is
 * where the watch resumes when its connection drops (the handler also keeps it on the run, as
 * `runs.engine_cursor`). When the API server no longer has that version (410 Gone, as a status or an
 * ERROR event) the namespace is listed again — the informer pattern, which also restarts everything
 * after the process restarts.
 */

export type WorkflowHandler = (wf: ArgoWorkflowObject, deleted: boolean) => Promise<void>;

const RESTART_MS = 1_000;
/** the API server ends a watch after this long; it is then resumed from where it was */
const WATCH_TIMEOUT_S = 600;

type WorkflowList = { items: ArgoWorkflowObject[]; metadata?: { resourceVersion?: string } };

export class NamespaceWatch {
  /** the resource version the next watch starts from; none: list first */
  private resourceVersion: string | undefined;
  private stopped = false;
  private abort: AbortController | undefined;
  private sleeping: (() => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(
    readonly namespace: string,
    private readonly handle: WorkflowHandler,
  ) {
    this.loop = this.run();
  }

  async stop() {
    this.stopped = true;
    this.abort?.abort();
    this.sleeping?.();
    await this.loop;
  }

  private async run() {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        if (this.stopped) break;
        const since = Date.now();
        const outcome = await this.watchOnce();
        if (outcome === "gone") this.resourceVersion = undefined;
        // a server that keeps closing at once is not asked again at once
        else if (Date.now() - since < RESTART_MS) await this.pause();
      } catch (error) {
        if (kubeStatus(error) === 410) this.resourceVersion = undefined;
        else {
          log().warn({ err: error, namespace: this.namespace }, "watching workflows failed; trying again");
          await this.pause();
        }
      }
    }
  }

  private pause() {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, RESTART_MS);
      this.sleeping = () => (clearTimeout(timer), resolve());
    });
  }

  private async list() {
    const list = (await kube().custom.listNamespacedCustomObject({ ...workflowsOf(this.namespace), labelSelector: MANAGED_SELECTOR })) as WorkflowList;
    for (const wf of list.items) await this.handleSafely(wf, false);
    this.resourceVersion = list.metadata?.resourceVersion ?? "";
  }

  private async handleSafely(wf: ArgoWorkflowObject, deleted: boolean) {
    try {
      await this.handle(wf, deleted);
    } catch (error) {
      log().error({ err: error, workflow: wf.metadata?.name, namespace: this.namespace }, "recording a workflow's status failed");
    }
  }

  /** One watch connection, until it ends: "closed" (resume from the last version) or "gone" (list again). */
  private watchOnce(): Promise<"closed" | "gone"> {
    return new Promise((resolve, reject) => {
      let gone = false;
      let handled = Promise.resolve();
      const path = `/apis/argoproj.io/v1alpha1/namespaces/${this.namespace}/workflows`;
      const query = { resourceVersion: this.resourceVersion || undefined, labelSelector: MANAGED_SELECTOR, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_S };
      const onEvent = (type: string, object: ArgoWorkflowObject & { code?: number }) => {
        if (type === "ERROR") {
          if (object?.code === 410) gone = true;
          return;
        }
        handled = handled.then(async () => {
          if (type !== "BOOKMARK") await this.handleSafely(object, type === "DELETED");
          if (object?.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
        });
      };
      const onDone = (error: unknown) => {
        void handled.then(() => {
          if (error && kubeStatus(error) === 410) resolve("gone");
          else if (error && !this.stopped && (error as Error).name !== "AbortError") reject(error);
          else resolve(gone ? "gone" : "closed");
        });
      };
      kube()
        .watch.watch(path, query, onEvent, onDone)
        .then((abort) => {
          this.abort = abort;
          if (this.stopped) abort.abort();
        }, reject);
    });
  }
}
