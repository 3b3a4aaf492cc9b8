import { listTasks } from "@/lib/tasks/endpoints";

export const GET = listTasks.handle;
