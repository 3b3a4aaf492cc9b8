/** The background tasks of the aws secret store (handlers in ./tasks.ts). */
export const SECRET_TASK = { write: "secret.write", delete: "secret.delete" } as const;
