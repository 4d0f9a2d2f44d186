//! The report's charts, drawn by plotters into SVG strings (plotters escapes every text it
//! draws, so an id from the input stays text). Colours are the Okabe-Ito palette, readable by
//! colour-blind readers and distinguishable in grey print by the order of the stacks.

use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Okabe-Ito: blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow, black.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];
/// Grey for what is aggregated ("other").
pub const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
const FONT: &str = "sans-serif";

/// The colour of series `k` (the palette's, then grey).
pub fn colour(k: usize) -> RGBColor {
    PALETTE.get(k).copied().unwrap_or(GREY)
}

/// Runs `draw` on an SVG canvas of `size` and returns the SVG (an empty string if plotters
/// fails, which the report shows as a missing chart rather than failing the whole report).
fn svg(size: (u32, u32), draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        let drawn = root.fill(&WHITE).map_err(|e| e.to_string()).and_then(|_| draw(&root));
        if drawn.is_err() || root.present().is_err() {
            return String::new();
        }
    }
    out
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Largest magnitude a chart draws. A written plan never comes near it; a damaged plan folder
/// might (a quantity of 1e308), and plotters' axis ticks never finish on such a range.
const LARGEST: f64 = 1e15;

/// `v` as a chart draws it: finite and within [`LARGEST`].
fn tame(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(-LARGEST, LARGEST)
    } else {
        0.0
    }
}

/// Top of a value axis: the largest value plus 5 %, at least 1.
fn top(values: impl Iterator<Item = f64>) -> f64 {
    (values.map(tame).fold(0.0, f64::max) * 1.05).max(1.0)
}

/// One labelled series of a stacked bar chart.
pub struct Stack<'a> {
    /// Legend label.
    pub label: &'a str,
    /// One value per period.
    pub values: &'a [f64],
}

/// Stacked bars per period (`stacks` bottom to top), with an optional line (capacity) and the
/// periods in `flagged` marked by a red tick above the bar.
pub fn stacked_bars(stacks: &[Stack], line: Option<(&str, &[f64])>, flagged: &[usize], y_label: &str) -> String {
    let tamed: Vec<Vec<f64>> = stacks.iter().map(|s| s.values.iter().copied().map(tame).collect()).collect();
    let stacks: Vec<Stack> = stacks.iter().zip(&tamed).map(|(s, values)| Stack { label: s.label, values }).collect();
    let line_values: Option<(&str, Vec<f64>)> = line.map(|(label, v)| (label, v.iter().copied().map(tame).collect()));
    let line = line_values.as_ref().map(|(label, v)| (*label, v.as_slice()));
    let n = stacks.first().map_or(0, |s| s.values.len());
    let totals: Vec<f64> = (0..n).map(|t| stacks.iter().map(|s| s.values[t]).sum()).collect();
    let y_top = top(totals.iter().copied().chain(line.iter().flat_map(|(_, v)| v.iter().copied())));
    svg((760, 240), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(56)
            .build_cartesian_2d(0.5f64..n as f64 + 0.5, 0f64..y_top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_desc("week")
            .y_desc(y_label)
            .x_labels(n.min(26))
            .x_label_formatter(&week_label)
            .y_label_formatter(&|y| short_number(*y))
            .label_style((FONT, 11))
            .draw()
            .map_err(err)?;
        let mut base = vec![0.0; n];
        for (k, stack) in stacks.iter().enumerate() {
            let style = colour(k).filled();
            let bars: Vec<Rectangle<(f64, f64)>> = (0..n)
                .filter(|&t| stack.values[t] > 0.0)
                .map(|t| {
                    let x = t as f64 + 1.0;
                    Rectangle::new([(x - 0.4, base[t]), (x + 0.4, base[t] + stack.values[t])], style)
                })
                .collect();
            chart
                .draw_series(bars)
                .map_err(err)?
                .label(stack.label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], style));
            for (b, v) in base.iter_mut().zip(stack.values) {
                *b += v;
            }
        }
        if let Some((label, values)) = line {
            let points = values.iter().enumerate().flat_map(|(t, &v)| [(t as f64 + 0.5, v), (t as f64 + 1.5, v)]);
            chart
                .draw_series(LineSeries::new(points, BLACK.stroke_width(2)))
                .map_err(err)?
                .label(label)
                .legend(|(x, y)| PathElement::new([(x, y), (x + 10, y)], BLACK.stroke_width(2)));
        }
        let red = RGBColor(0xD5, 0x5E, 0x00);
        let marks = flagged
            .iter()
            .filter(|&&p| p >= 1 && p <= n)
            .map(|&p| TriangleMarker::new((p as f64, totals[p - 1].min(y_top * 0.97)), 6, red.filled()));
        chart.draw_series(marks).map_err(err)?;
        legend(&mut chart)
    })
}

/// Draws the legend of the labelled series of `chart` in its upper right corner.
fn legend<'a, 'b: 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font((FONT, 11))
        .draw()
        .map_err(err)
}

/// One labelled line of a line chart.
pub struct Line<'a> {
    /// Legend label.
    pub label: &'a str,
    /// Points `(x, y)`; `None` y values break the line.
    pub points: Vec<(f64, f64)>,
    /// Dashed (a second kind of line for print).
    pub dashed: bool,
}

/// Lines over `x` (weeks from 1 when `weeks`, else seconds).
pub fn lines(series: &[Line], x_label: &str, y_label: &str, weeks: bool, size: (u32, u32)) -> String {
    let tamed: Vec<Line> = series
        .iter()
        .map(|l| Line {
            label: l.label,
            points: l.points.iter().map(|&(x, y)| (tame(x), tame(y))).collect(),
            dashed: l.dashed,
        })
        .collect();
    let series = tamed.as_slice();
    let x_max = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).fold(1.0, f64::max);
    let y_min = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(f64::INFINITY, f64::min);
    let y_max = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(f64::NEG_INFINITY, f64::max);
    let (y_min, y_max) = if y_min.is_finite() { (y_min.min(0.0), y_max.max(y_min + 1.0)) } else { (0.0, 1.0) };
    let x_min = if weeks { 1.0 } else { 0.0 };
    svg(size, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(64)
            .build_cartesian_2d(x_min..x_max.max(x_min + 1.0), y_min..y_max * 1.05)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_desc(x_label)
            .y_desc(y_label)
            .label_style((FONT, 11))
            .x_label_formatter(&|x| if weeks { week_label(x) } else { short_number(*x) })
            .y_label_formatter(&|y| short_number(*y))
            .draw()
            .map_err(err)?;
        for (k, line) in series.iter().enumerate() {
            let style = colour(k).stroke_width(2);
            let drawn = if line.dashed {
                chart.draw_series(DashedLineSeries::new(line.points.iter().copied(), 6, 4, style)).map_err(err)?
            } else {
                chart.draw_series(LineSeries::new(line.points.iter().copied(), style)).map_err(err)?
            };
            drawn.label(line.label).legend(move |(x, y)| PathElement::new([(x, y), (x + 12, y)], style));
        }
        legend(&mut chart)
    })
}

/// One cell of a lot chart: the hours a row takes in a period, coloured by `key` (family or
/// route), its width the share of the chart's busiest cell.
pub struct Cell {
    /// Row index.
    pub row: usize,
    /// 1-based period.
    pub period: usize,
    /// Hours.
    pub hours: f64,
    /// The colour key's index (family or route).
    pub key: usize,
    /// Drawn grey (the aggregated row).
    pub other: bool,
}

/// Rows of cells over the periods; `keys` names the colours (legend).
pub fn lot_chart(rows: &[String], n_periods: usize, cells: &[Cell], keys: &[String]) -> String {
    if cells.is_empty() {
        return String::new();
    }
    // At least two rows: plotters draws a one-value segmented axis with no height.
    let count = rows.len().max(2);
    let height = 60 + 22 * count as u32;
    let max_hours = cells.iter().map(|c| c.hours).fold(0.0, f64::max).max(1e-9);
    svg((760, height.max(120)), |root| {
        let (area, legend) = root.split_horizontally(600);
        let mut chart = rows_by_weeks(&area, rows, count, n_periods, 11)?;
        let rects = cells.iter().filter(|c| c.period >= 1 && c.row < count).map(|c| {
            let row = count - 1 - c.row;
            let x = c.period as f64;
            let width = 0.15 + 0.8 * (c.hours / max_hours).clamp(0.0, 1.0);
            let colour = if c.other { GREY } else { colour(c.key) };
            let mut cell = Rectangle::new(
                [(x - width / 2.0, SegmentValue::Exact(row)), (x + width / 2.0, SegmentValue::Exact(row + 1))],
                colour.filled(),
            );
            cell.set_margin(3, 3, 0, 0);
            cell
        });
        chart.draw_series(rects).map_err(err)?;
        for (k, key) in keys.iter().enumerate() {
            let y = 16 + 18 * k as i32;
            legend.draw(&Rectangle::new([(6, y - 5), (16, y + 5)], colour(k).filled())).map_err(err)?;
            legend.draw(&Text::new(key.clone(), (22, y - 6), (FONT, 11))).map_err(err)?;
        }
        Ok(())
    })
}

/// A chart of `count` labelled rows (the first on top) over the weeks, its axes drawn: the
/// shape of the lot chart and the utilization heatmap.
type RowsByWeeks<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordusize>>>;

fn rows_by_weeks<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    rows: &[String],
    count: usize,
    n_periods: usize,
    font_size: u32,
) -> Result<RowsByWeeks<'a, 'b>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(150)
        .build_cartesian_2d(0.5f64..n_periods as f64 + 0.5, (0..count - 1).into_segmented())
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("week")
        .x_labels(n_periods.min(26))
        .x_label_formatter(&week_label)
        .y_labels(count)
        .y_label_formatter(&|y| category(rows, count, y))
        .label_style((FONT, font_size))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// The label of a categorical row (row 0 drawn at the top).
fn category(labels: &[String], count: usize, value: &SegmentValue<usize>) -> String {
    match value {
        SegmentValue::CenterOf(k) if *k < count => labels.get(count - 1 - k).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Axis label of week `x` (whole weeks only).
fn week_label(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-6 && *x >= 1.0 {
        format!("{}", x.round() as i64)
    } else {
        String::new()
    }
}

/// A heatmap: one row per label, one cell per period, shaded by `values[row][t]` in `[0, 1]`
/// (white to dark blue); cells above 1 (over capacity) in vermillion.
pub fn heatmap(rows: &[String], values: &[Vec<f64>], n_periods: usize) -> String {
    let count = rows.len().max(2);
    let height = 70 + 16 * count as u32;
    svg((760, height), |root| {
        let mut chart = rows_by_weeks(root, rows, count, n_periods, 10)?;
        let cells = values.iter().enumerate().flat_map(|(k, row)| {
            row.iter().enumerate().map(move |(t, &v)| {
                let colour = if v > 1.0 + 1e-9 {
                    PALETTE[3]
                } else {
                    let shade = |full: u8| (255.0 - (255.0 - f64::from(full)) * v.clamp(0.0, 1.0)).round() as u8;
                    RGBColor(shade(0x00), shade(0x72), shade(0xB2))
                };
                let x = (t + 1) as f64;
                let y = count - 1 - k;
                Rectangle::new(
                    [(x - 0.5, SegmentValue::Exact(y)), (x + 0.5, SegmentValue::Exact(y + 1))],
                    colour.filled(),
                )
            })
        });
        chart.draw_series(cells).map_err(err)?;
        Ok(())
    })
}

/// Horizontal bars (cost by term, parameter effects): one bar per label, the first on top.
/// With `from_zero` false the axis starts a little below the smallest value (differences
/// between close values stay visible; the axis labels say where it starts).
pub fn bars(labels: &[String], values: &[f64], x_label: &str, from_zero: bool) -> String {
    let values: Vec<f64> = values.iter().copied().map(tame).collect();
    // At least two rows: plotters draws a one-value segmented axis with no height.
    let count = labels.len().max(2);
    let height = 50 + 24 * count as u32;
    let x_max = top(values.iter().copied());
    let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
    let x_min = if from_zero || !lowest.is_finite() { 0.0 } else { (lowest - 0.1 * (x_max - lowest)).max(0.0) };
    let x_max = if from_zero { x_max } else { x_max.max(x_min + 1.0) };
    svg((760, height.max(100)), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(200)
            .build_cartesian_2d(x_min..x_max, (0..count - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .x_desc(x_label)
            .y_labels(count)
            .y_label_formatter(&|y| category(labels, count, y))
            .x_label_formatter(&|x| short_number(*x))
            .label_style((FONT, 11))
            .draw()
            .map_err(err)?;
        let rects = values.iter().take(count).enumerate().map(|(k, &v)| {
            let row = count - 1 - k;
            let mut bar = Rectangle::new(
                [(x_min, SegmentValue::Exact(row)), (v.max(x_min), SegmentValue::Exact(row + 1))],
                colour(0).filled(),
            );
            bar.set_margin(4, 4, 0, 0);
            bar
        });
        chart.draw_series(rects).map_err(err)?;
        Ok(())
    })
}

/// A histogram of `values` in `bins` equal bins.
pub fn histogram(values: &[f64], bins: usize, x_label: &str) -> String {
    let values: Vec<f64> = values.iter().copied().map(tame).collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return svg((360, 220), |_| Ok(()));
    }
    let width = ((hi - lo) / bins as f64).max(1e-9 * lo.abs().max(1.0));
    let mut counts = vec![0usize; bins];
    for &v in &values {
        counts[(((v - lo) / width) as usize).min(bins - 1)] += 1;
    }
    let y_top = counts.iter().copied().max().unwrap_or(1) as f64 * 1.1;
    svg((360, 220), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(36)
            .build_cartesian_2d(lo..lo + width * bins as f64, 0f64..y_top.max(1.0))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_desc(x_label)
            .y_desc("scenarios")
            .x_labels(4)
            .x_label_formatter(&|x| short_number(*x))
            .label_style((FONT, 10))
            .draw()
            .map_err(err)?;
        let rects = counts.iter().enumerate().map(|(k, &c)| {
            let x0 = lo + width * k as f64;
            Rectangle::new([(x0, 0.0), (x0 + width * 0.95, c as f64)], colour(0).filled())
        });
        chart.draw_series(rects).map_err(err)?;
        Ok(())
    })
}

/// A scatter of `(x, y)` points (cost against service), the `highlight`ed ones larger.
pub fn scatter(points: &[(f64, f64)], highlight: &[bool], x_label: &str, y_label: &str) -> String {
    let points: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (tame(x), tame(y))).collect();
    let x_lo = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_hi = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let y_lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    if !x_lo.is_finite() || !y_lo.is_finite() {
        return svg((760, 300), |_| Ok(()));
    }
    let pad = ((x_hi - x_lo) * 0.05).max(x_hi.abs() * 1e-3).max(1e-9);
    svg((760, 300), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(x_lo - pad..x_hi + pad, (y_lo.min(1.0) - 0.02).max(0.0)..1.005)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_desc(x_label)
            .y_desc(y_label)
            .x_label_formatter(&|x| short_number(*x))
            .y_label_formatter(&|y| format!("{:.1} %", y * 100.0))
            .label_style((FONT, 11))
            .draw()
            .map_err(err)?;
        let dots = points.iter().zip(highlight).map(|(&(x, y), &big)| {
            let style = if big { colour(3).filled() } else { colour(0).mix(0.7).filled() };
            Circle::new((x, y), if big { 5 } else { 3 }, style)
        });
        chart.draw_series(dots).map_err(err)?;
        Ok(())
    })
}

/// `1234567` as `1.23M`, `45200` as `45.2k`.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}
