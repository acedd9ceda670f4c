import type { ReactNode } from "react";

/** A column heading: its label and, for fixed layouts, its width (`w-40`) or other classes. */
export interface Column {
  label: ReactNode;
  className?: string;
  /** For a column the rows are sorted by. */
  sort?: "ascending" | "descending";
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
  const table = (
    <div className="overflow-x-auto">
      <table className={`w-full ${fixed ? "min-w-[40rem] table-fixed " : ""}text-sm`}>
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
