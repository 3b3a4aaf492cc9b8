import { exportWorkflow } from "@/lib/workflows/endpoints";

export const GET = exportWorkflow.handle;
