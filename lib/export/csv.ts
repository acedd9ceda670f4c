/**
 * CSV text for spreadsheets: papaparse `unparse` per chunk of rows, CRLF line ends, and a UTF-8
 * BOM at the start of the file so Excel reads Chinese as UTF-8 rather than the system code page.
 */
import Papa from "papaparse";

export const BOM = "\uFEFF";

/**
 * A text cell starting with one of these is read as a formula by Excel and LibreOffice; it gets
 * a leading `'` (OWASP's CSV-injection advice). Our own pattern, not papaparse's default
 * `/^[=+\-@\t\r].*$/`: that one has no `s` flag, so `"=cmd|…\nx"` (a newline anywhere) slips by.
 * Numbers are left alone: -5 is a number, not a formula.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;

const UNPARSE_CONFIG = { header: false, newline: "\r\n", escapeFormulae: FORMULA_START } as const;

/** CSV lines for `rows` (arrays of cells), each ending in CRLF; "" for no rows. */
export function csvLines(rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return "";
  return Papa.unparse(rows as unknown[][], UNPARSE_CONFIG) + "\r\n";
}
