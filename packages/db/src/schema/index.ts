export * from "./auth";
export * from "./events";
export * from "./ingestion";
export * from "./rollups";
export * from "./exports";
export * from "./retention";
