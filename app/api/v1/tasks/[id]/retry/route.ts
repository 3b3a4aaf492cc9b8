import { retryTask } from "@/lib/tasks/endpoints";

export const POST = retryTask.handle;
