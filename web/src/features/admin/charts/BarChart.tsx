import { labelIndexes, niceScale } from './scale';

/** One series of a bar chart: its name, its CSS colour class and a value per category. */
export interface Series {
  label: string;
  className: string;
  values: number[];
}

const WIDTH = 480;
const HEIGHT = 210;
const MARGIN = { top: 10, right: 8, bottom: 44, left: 52 };

/**
 * An accessible SVG bar chart (grouped or stacked): role="img" with a summary, a <title>, axis labels,
 * a legend and a visually hidden table with every figure for screen readers.
 */
export function BarChart(props: {
  title: string;
  summary: string;
  categories: string[];
  /** Fuller category names for the data table (defaults to `categories`). */
  tableCategories?: string[];
  series: Series[];
  stacked?: boolean;
  xLabel: string;
  yLabel: string;
  format: (value: number) => string;
  maxLabels?: number;
  /** Whole-number axis (counts, tokens). */
  integer?: boolean;
}) {
  const { title, summary, categories, series, stacked, xLabel, yLabel, format } = props;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const totals = categories.map((_, index) =>
    stacked
      ? series.reduce((sum, one) => sum + (one.values[index] ?? 0), 0)
      : Math.max(0, ...series.map((one) => one.values[index] ?? 0)),
  );
  const scale = niceScale(Math.max(0, ...totals), 4, props.integer);
  const y = (value: number) => MARGIN.top + plotHeight - (value / scale.max) * plotHeight;
  const band = plotWidth / Math.max(1, categories.length);
  const gap = band > 6 ? band * 0.2 : 0;
  const barWidth = stacked ? band - gap : (band - gap) / Math.max(1, series.length);
  const ticks = Array.from({ length: Math.round(scale.max / scale.step) + 1 }, (_, i) => i * scale.step);
  const shown = labelIndexes(categories.length, props.maxLabels ?? 6);

  return (
    <figure className="chart">
      <svg
        className="chart-svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${title}. ${summary}`}
      >
        <title>{title}</title>
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              className="chart-grid"
              x1={MARGIN.left}
              x2={WIDTH - MARGIN.right}
              y1={y(tick)}
              y2={y(tick)}
            />
            <text
              className="chart-tick"
              x={MARGIN.left - 6}
              y={y(tick)}
              textAnchor="end"
              dominantBaseline="middle"
            >
              {format(tick)}
            </text>
          </g>
        ))}
        {categories.map((category, index) => {
          const x0 = MARGIN.left + index * band + gap / 2;
          let stackBase = 0;
          return (
            <g key={`${category}-${index}`}>
              {series.map((one, seriesIndex) => {
                const value = one.values[index] ?? 0;
                const bottom = stacked ? stackBase : 0;
                stackBase += stacked ? value : 0;
                if (value <= 0) return null;
                const x = stacked ? x0 : x0 + seriesIndex * barWidth;
                return (
                  <rect
                    key={one.label}
                    className={`chart-bar ${one.className}`}
                    x={x}
                    y={y(bottom + value)}
                    width={Math.max(1, barWidth - (stacked ? 0 : 1))}
                    height={Math.max(1, y(bottom) - y(bottom + value))}
                  />
                );
              })}
              {shown.has(index) && (
                <text
                  className="chart-tick"
                  x={x0 + (band - gap) / 2}
                  y={HEIGHT - MARGIN.bottom + 14}
                  textAnchor="middle"
                >
                  {category}
                </text>
              )}
            </g>
          );
        })}
        <line
          className="chart-axis"
          x1={MARGIN.left}
          x2={WIDTH - MARGIN.right}
          y1={MARGIN.top + plotHeight}
          y2={MARGIN.top + plotHeight}
        />
        <text className="chart-axis-label" x={MARGIN.left + plotWidth / 2} y={HEIGHT - 6} textAnchor="middle">
          {xLabel}
        </text>
        <text
          className="chart-axis-label"
          transform={`translate(12 ${MARGIN.top + plotHeight / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {yLabel}
        </text>
      </svg>
      <figcaption className="chart-legend">
        {series.map((one) => (
          <span key={one.label} className="chart-legend-item">
            <span className={`chart-swatch ${one.className}`} aria-hidden="true" />
            {one.label}
          </span>
        ))}
      </figcaption>
      <div className="visually-hidden">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{xLabel}</th>
              {series.map((one) => (
                <th key={one.label} scope="col">
                  {one.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((category, index) => (
              <tr key={`${category}-${index}`}>
                <th scope="row">{props.tableCategories?.[index] ?? category}</th>
                {series.map((one) => (
                  <td key={one.label}>{format(one.values[index] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
