/** What validating event `data` against a schema reports, shared by validator.ts and ajv-validator.ts. */
import { MAX_VALIDATION_WORK } from "../model/index.js";

export interface SchemaIssue {
  path: string;
  message: string;
}

export class ValidationBudgetExceeded extends Error {
  constructor(readonly work: number) {
    super(
      `validating data could take ${Math.round(work)} keyword evaluations; the budget is ${MAX_VALIDATION_WORK}`,
    );
  }
}
