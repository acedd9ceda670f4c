/**
 * `lib/export`: CSV exports of the demo's products — file names and folders, the CSV writer, the
 * streaming export and retention. Plain Node (workers, CLI, the web app's download route).
 */
export * from "./paths";
export * from "./csv";
export * from "./product-export";
export * from "./retention";
export * from "./format";
export * from "./storage";
