import { deleteApp, getApp, updateApp } from "@/lib/apps/endpoints";

export const GET = getApp.handle;
export const PATCH = updateApp.handle;
export const DELETE = deleteApp.handle;
