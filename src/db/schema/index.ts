export * from "./agents";
export * from "./contacts";
export * from "./conversations";
export * from "./sessions";
export * from "./email";
export * from "./saved-responses";
export * from "./workspace";
export * from "./labels";
