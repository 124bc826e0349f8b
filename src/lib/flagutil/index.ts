export * from "./flagutil.ts";
