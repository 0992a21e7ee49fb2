/**
 * Contract of core/json-schema, JSON Schema validation of event data: ajv, loaded on the first
 * schema, and the bounds on the work a schema may cause. Modules outside the folder import only
 * this index (docs/design.md, "Layers"); what it does not re-export is internal to the folder.
 */
export { SchemaTooComplex } from "./complexity.js";
export { schemaIssues, ValidationBudgetExceeded, validatorFor } from "./validator.js";
