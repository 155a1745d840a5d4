// CRD generation: structural openAPIV3Schemas from the zod schemas, the three CRDs, and their field reference.
export * from "./types.js";
export * from "./structural.js";
export * from "./check.js";
export * from "./status.js";
export * from "./crds.js";
export * from "./reference.js";
