import type { WorkflowSpec } from "@/lib/workflows/model";
import { validateWorkflow, type ValidationContext } from "@/lib/workflows/validate";

type Request = { id: number; spec: WorkflowSpec; context: ValidationContext };

self.onmessage = (event: MessageEvent<Request>) => {
  const { id, spec, context } = event.data;
  self.postMessage({ id, problems: validateWorkflow(spec, context) });
};
