/** The event filter model (filter-model.ts) and its REST query-string form (filter-query.ts). */
export * from "./filter-model";
export * from "./filter-query";
