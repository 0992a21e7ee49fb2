/** The test kit's wait: the one polling helper, shared with the local tooling (local/wait.ts). */
export { waitFor } from "../../local/wait.js";
