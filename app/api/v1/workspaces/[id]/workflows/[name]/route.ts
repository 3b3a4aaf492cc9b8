import { deleteWorkflow, getWorkflow, saveWorkflow } from "@/lib/workflows/endpoints";

export const GET = getWorkflow.handle;
export const PUT = saveWorkflow.handle;
export const DELETE = deleteWorkflow.handle;
