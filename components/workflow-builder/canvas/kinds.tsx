import { Box, FileCode, Globe, Layers, Workflow, type LucideIcon } from "lucide-react";
import type { StepKind, ValueType } from "@/lib/workflows/model";

export const KIND_INFO: Record<StepKind, { label: string; description: string; icon: LucideIcon; tone: string }> = {
  container: { label: "Container", description: "Run an image with a command", icon: Box, tone: "text-sky-600 dark:text-sky-400" },
  script: { label: "Script", description: "Shell, Python or Node source", icon: FileCode, tone: "text-violet-600 dark:text-violet-400" },
  http: { label: "HTTP request", description: "Call a URL", icon: Globe, tone: "text-emerald-600 dark:text-emerald-400" },
  workflow: { label: "Call workflow", description: "Run another workflow's version", icon: Workflow, tone: "text-amber-600 dark:text-amber-400" },
  group: { label: "Group", description: "A nested sub-graph", icon: Layers, tone: "text-rose-600 dark:text-rose-400" },
};

export const TYPE_TONE: Record<ValueType, string> = {
  string: "text-sky-700 dark:text-sky-300",
  number: "text-emerald-700 dark:text-emerald-300",
  boolean: "text-violet-700 dark:text-violet-300",
  json: "text-amber-700 dark:text-amber-300",
  secret: "text-rose-700 dark:text-rose-300",
};
