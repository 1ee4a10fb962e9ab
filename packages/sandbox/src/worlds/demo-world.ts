import { fileURLToPath } from "node:url";

/** The demo world's fixture file (see the table in the package README). */
export const demoWorldPath = fileURLToPath(new URL("./demo.json", import.meta.url));
