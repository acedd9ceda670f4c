/**
 * The frame both overview charts draw in: an inline SVG (no chart library), a value axis from 0 to
 * a round maximum with grid lines, and labels under the time axis. Plot coordinates are exported so
 * the charts place their marks in the same box.
 */
export const W = 640;
export const H = 170;
export const PLOT = { left: 44, right: W - 8, top: 10, bottom: H - 22 };

/** The smallest of 1, 2, 5 × 10^n that is ≥ v (at least 1), so axis labels stay round. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const e = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * e >= v - 1e-9) return Math.max(1, m * e);
  return 10 * e;
}

/** Vertical position of `v` on a 0..yMax axis. */
export function yOf(v: number, yMax: number): number {
  return PLOT.bottom - (Math.min(v, yMax) / yMax) * (PLOT.bottom - PLOT.top);
}

const fmt = (v: number) => (v >= 10 || Number.isInteger(v) ? Math.round(v).toLocaleString("en") : v.toFixed(1));

export function ChartFrame({
  label,
  yMax,
  xLabels,
  children,
}: {
  label: string;
  yMax: number;
  xLabels: { x: number; text: string }[];
  children: React.ReactNode;
}) {
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
      className="h-auto w-full text-zinc-500"
      preserveAspectRatio="xMidYMid meet"
    >
      {[0, 0.5, 1].map((f) => {
        const y = yOf(yMax * f, yMax);
        return (
          <g key={f}>
            <line
              x1={PLOT.left}
              x2={PLOT.right}
              y1={y}
              y2={y}
              stroke="currentColor"
              strokeOpacity={f === 0 ? 0.6 : 0.2}
            />
            <text x={PLOT.left - 6} y={y + 4} textAnchor="end" fontSize="11" fill="currentColor">
              {fmt(yMax * f)}
            </text>
          </g>
        );
      })}
      {xLabels.map((l) => (
        // Labels at either end are anchored inward, so they are not cut off by the edge of the SVG.
        <text
          key={`${l.x}-${l.text}`}
          x={l.x}
          y={H - 6}
          textAnchor={l.x > PLOT.right - 24 ? "end" : l.x < PLOT.left + 24 ? "start" : "middle"}
          fontSize="11"
          fill="currentColor"
        >
          {l.text}
        </text>
      ))}
      {children}
    </svg>
  );
}

/** Colour classes of the two series, readable in both themes; `currentColor` carries them into the SVG. */
export const SERIES = {
  processed: "text-sky-600 dark:text-sky-400",
  failed: "text-red-600 dark:text-red-400",
} as const;

/** A colour swatch with its series name, for legends. */
export function Swatch({ series, label }: { series: keyof typeof SERIES; label: string }) {
  return (
    <span className="inline-flex items-center gap-1">
      <span aria-hidden className={`inline-block h-2.5 w-2.5 rounded-sm bg-current ${SERIES[series]}`} />
      {label}
    </span>
  );
}
