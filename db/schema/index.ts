export * from "./tenancy";
export * from "./audit";
export * from "./workflows";
export * from "./runs";
export * from "./triggers";
export * from "./platform";
