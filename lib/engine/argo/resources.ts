/**
 * The parts of Argo's Workflow object (as the API server returns it) that the engine reads: its
 * status with one node per template instance (DAG, task group, retry, pod, ...).
 * See https://argo-workflows.readthedocs.io/en/latest/fields/#nodestatus.
 */

export type ArgoNodePhase = "Pending" | "Running" | "Succeeded" | "Skipped" | "Failed" | "Error" | "Omitted";

export type ArgoParameterValue = { name: string; value?: string };

export type ArgoNode = {
  id: string;
  name: string;
  displayName?: string;
  type: string;
  templateName?: string;
  phase?: ArgoNodePhase;
  /** the node of the template instance (DAG) this node belongs to */
  boundaryID?: string;
  children?: string[];
  message?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  inputs?: { parameters?: ArgoParameterValue[] };
  outputs?: { parameters?: ArgoParameterValue[]; result?: string; exitCode?: string };
};

export type ArgoWorkflowPhase = "" | "Pending" | "Running" | "Succeeded" | "Failed" | "Error";

export type ArgoWorkflowObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { shutdown?: "Stop" | "Terminate"; arguments?: { parameters?: ArgoParameterValue[] } };
  status?: {
    phase?: ArgoWorkflowPhase;
    message?: string;
    startedAt?: string | null;
    finishedAt?: string | null;
    nodes?: Record<string, ArgoNode>;
    outputs?: { parameters?: ArgoParameterValue[] };
  };
};

export const isFinishedWorkflow = (wf: ArgoWorkflowObject) => ["Succeeded", "Failed", "Error"].includes(wf.status?.phase ?? "");
