export * from "./auth";
export * from "./events";
export * from "./ingestion";
export * from "./rollups";
