import type { ReactNode } from "react";

/** A column heading: its label and, for fixed layouts, its width (`w-40`) or other classes. */
export interface Column {
  label: ReactNode;
  className?: string;
  /** For a column the rows are sorted by. */
  sort?: "ascending" | "descending";
}

/** What a column without a width of its own gets at least, when the table is `fixed`. */
const FLEX_COLUMN_REM = 12;

/** The width a column's class gives it in rem (`w-44` is 11rem, `w-[25rem]` 25rem), or null. */
function columnRem(className = ""): number | null {
  const scale = /(?:^|\s)w-(\d+(?:\.\d+)?)(?:\s|$)/.exec(className);
  if (scale) return Number(scale[1]) / 4;
  const rem = /(?:^|\s)w-\[(\d+(?:\.\d+)?)rem\](?:\s|$)/.exec(className);
  return rem ? Number(rem[1]) : null;
}

/**
 * The dashboard's tables: one header row of muted labels, then the rows given. `fixed` keeps
 * column widths from the headings however long a cell's text is (job args, backtraces); `pager`
 * is drawn above and below, so a long page can be left from either end. The table scrolls sideways
 * in its own box: on a phone a wide table used to widen the whole page (543-920 px at 390).
 */
export function DataTable({
  columns,
  fixed = false,
  dense = false,
  pager,
  children,
}: {
  columns: Column[];
  fixed?: boolean;
  dense?: boolean;
  pager?: ReactNode;
  children: ReactNode;
}) {
  const th = dense ? "py-1 pr-3 font-normal" : "py-1 pr-4 font-normal";
  // A fixed table narrower than its columns' widths leaves the columns without a width nothing:
  // on a phone the failure message came out one character per line. Below this width the table
  // scrolls in its box instead (a desktop's 72rem main column holds every table of the app).
  const minRem = fixed ? columns.reduce((sum, c) => sum + (columnRem(c.className) ?? FLEX_COLUMN_REM), 0) : 0;
  const table = (
    <div className="overflow-x-auto">
      <table
        className={`w-full ${fixed ? "table-fixed " : ""}text-sm`}
        style={minRem ? { minWidth: `${minRem}rem` } : undefined}
      >
        <thead className="text-left text-zinc-500">
          <tr>
            {columns.map((c, i) => (
              <th key={i} className={c.className ? `${th} ${c.className}` : th} aria-sort={c.sort}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
  return pager ? (
    <>
      {pager}
      {table}
      {pager}
    </>
  ) : (
    table
  );
}
