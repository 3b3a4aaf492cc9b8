"use server";

import { serverAction } from "@/lib/actions/action";
import * as tasks from "./service";

export const retryTaskAction = serverAction((principal, input: { id: string }) => tasks.retryTask(principal, input), { revalidate: "/" });
