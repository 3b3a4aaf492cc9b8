import { createWorkflow, listWorkflows } from "@/lib/workflows/endpoints";

export const GET = listWorkflows.handle;
export const POST = createWorkflow.handle;
