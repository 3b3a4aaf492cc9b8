import { getTask } from "@/lib/tasks/endpoints";

export const GET = getTask.handle;
