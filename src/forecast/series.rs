//! Demand history -> one bucketed vector per series.
//!
//! Two table shapes are accepted:
//! - an **orders table** (the spec's `orders.csv`: `order_id, item, quantity, due_date[, market]`):
//!   a series per item, or per item and market ([`SeriesKey::ItemMarket`]); every series spans
//!   the whole history (from the bucket of the earliest due date in the table to the bucket of
//!   the latest), because a week without orders is a week of zero demand;
//! - a **long series table** (statsforecast's `unique_id, ds, y`): each series spans its own first
//!   to last `ds`, as statsforecast fits it.
//!
//! Rows are put into buckets of the chosen length anchored on the earliest date of the table
//! (for months: the first of that month; or aligned to a plan's calendar), quantities of one bucket are summed, and buckets with
//! no rows (gaps in the dates) are zero. Negative quantities are an error naming the series and
//! the date. Series come out sorted by id, so the output never depends on row order.

use crate::error::{Diagnostic, Diagnostics, InputError, Result};
use crate::input::table::{Cell, Need, NumberRule, Table};
use crate::input::{Bucket, Horizon, PeriodOf};
use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// How an orders table is split into series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeriesKey {
    /// One series per item (`unique_id` = item).
    #[default]
    Item,
    /// One series per item and market (`unique_id` = `item|market`; an empty market is `-`).
    ItemMarket,
}

/// One demand series, bucketed.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandSeries {
    /// The series id (`unique_id`).
    pub unique_id: String,
    /// The item this series is demand for (the `unique_id` itself for a long series table).
    pub item: String,
    /// First day of the bucket of `values[0]`.
    pub start: NaiveDate,
    /// Demand per bucket, oldest first, gaps filled with 0. Never empty.
    pub values: Vec<f64>,
}

/// All series of a history, on one bucket calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The bucket length.
    pub bucket: Bucket,
    /// First day of bucket 0 of the calendar (the anchor all series share).
    pub anchor: NaiveDate,
    /// The series, sorted by `unique_id`.
    pub series: Vec<DemandSeries>,
}

/// Which shape a history table has, from its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryShape {
    /// `unique_id, ds, y`.
    Long,
    /// `order_id, item, quantity, due_date[, market]`.
    Orders,
}

/// Largest number of buckets a history may span (a typo in a year must not exhaust memory).
pub const MAX_BUCKETS: usize = 100_000;

/// Tells the shape of a history table from its columns, or explains what is missing.
pub fn history_shape(table: &Table) -> Result<HistoryShape> {
    if ["unique_id", "ds", "y"].iter().all(|c| table.has_column(c)) {
        return Ok(HistoryShape::Long);
    }
    if ["item", "quantity", "due_date"].iter().all(|c| table.has_column(c)) {
        return Ok(HistoryShape::Orders);
    }
    Err(InputError::single(Diagnostic::file(
        table.file_name(),
        "a history needs the columns `unique_id, ds, y` (a series table) or \
         `item, quantity, due_date` (an orders table)",
    ))
    .into())
}

/// Reads a history table into bucketed series. Every problem found is reported at once.
pub fn history_from_table(table: &Table, bucket: Bucket, key: SeriesKey) -> Result<History> {
    history_from_table_aligned(table, bucket, key, None)
}

/// As [`history_from_table`], with the bucket calendar aligned to `align_to` (e.g. a plan's
/// start, so that forecast weeks are the plan's weeks): the anchor is the latest bucket
/// boundary of that calendar on or before the earliest date.
pub fn history_from_table_aligned(
    table: &Table,
    bucket: Bucket,
    key: SeriesKey,
    align_to: Option<NaiveDate>,
) -> Result<History> {
    match history_shape(table)? {
        HistoryShape::Long => {
            let (earliest, rows) = long_rows(table)?;
            build_history(table.file_name(), earliest, rows, bucket, align_to)
        }
        HistoryShape::Orders => {
            let rows = order_rows(table, key)?;
            let earliest = rows.iter().map(|r| r.date).min();
            let mut history = build_history(table.file_name(), earliest, rows.into_iter(), bucket, align_to)?;
            align_to_common_span(&mut history);
            Ok(history)
        }
    }
}

/// Reads a plain `unique_id,ds,y` CSV held in `bytes` (statsforecast's layout: a header, then
/// `id,date,number` rows) straight into bucketed series, with no table in between: the same history as
/// [`history_from_table_aligned`] gives for that file, without a column per field of 10 million
/// rows. `None` when the file is not plain; the caller then reads it as a table, which reports
/// every problem with its row.
pub fn history_from_plain_csv(
    file_name: &str,
    bytes: &[u8],
    bucket: Bucket,
    align_to: Option<NaiveDate>,
) -> Option<Result<History>> {
    // First pass: every line is plain, and the earliest date. Second: the rows, parsed again
    // (cheaper than keeping them).
    let second_pass = PlainRows::new(bytes)?;
    let mut first_pass = second_pass.clone();
    first_pass.quantities = false; // the second pass checks them
    let mut earliest: Option<NaiveDate> = None;
    for row in first_pass {
        let (_, date, _) = row?;
        earliest = Some(earliest.map_or(date, |e| e.min(date)));
    }
    let not_plain = std::cell::Cell::new(false);
    let rows = second_pass
        .map_while(|row| {
            not_plain.set(row.is_none());
            row
        })
        .map(|(id, date, quantity)| Row { unique_id: Cow::Borrowed(id), item: id, date, quantity });
    let history = build_history(file_name, earliest, rows, bucket, align_to);
    (!not_plain.get()).then_some(history)
}

/// The rows of a plain `unique_id,ds,y` CSV: that header, `\n` line ends (a final one
/// optional), no quotes or carriage returns, three fields a line, ids non-empty without
/// surrounding spaces, `YYYY-MM-DD` dates and finite numbers `>= 0`. Each item is the row, or
/// `None` for a line that is not plain (the file is then not plain). Dates are parsed once per
/// run of equal date texts.
#[derive(Clone)]
pub(crate) struct PlainRows<'a> {
    lines: std::str::Split<'a, char>,
    last_date: Option<(&'a str, NaiveDate)>,
    /// Whether quantities are parsed and checked (else every row's quantity is 0).
    quantities: bool,
}

impl<'a> PlainRows<'a> {
    /// `None` when the bytes are not UTF-8, hold a quote or carriage return, or lack the
    /// header or any row.
    pub(crate) fn new(bytes: &'a [u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(bytes)).ok()?;
        if text.contains(['"', '\r']) {
            return None;
        }
        let body = text.strip_prefix("unique_id,ds,y\n")?;
        let body = body.strip_suffix('\n').unwrap_or(body);
        if body.is_empty() {
            return None;
        }
        Some(PlainRows { lines: body.split('\n'), last_date: None, quantities: true })
    }
}

impl<'a> Iterator for PlainRows<'a> {
    type Item = Option<(&'a str, NaiveDate, f64)>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.lines.next()?;
        let mut fields = line.split(',');
        let (Some(id), Some(date_text), Some(quantity), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Some(None);
        };
        if id.is_empty() || id.trim() != id {
            return Some(None);
        }
        let date = match self.last_date {
            Some((previous, date)) if previous == date_text => date,
            _ => {
                let Some(date) = crate::input::table::parse_iso_date(date_text) else { return Some(None) };
                self.last_date = Some((date_text, date));
                date
            }
        };
        if !self.quantities {
            return Some(Some((id, date, 0.0)));
        }
        let Some(quantity) = quantity.parse::<f64>().ok().filter(|q| q.is_finite() && *q >= 0.0) else {
            return Some(None);
        };
        Some(Some((id, date, quantity)))
    }
}

/// One usable row of a history table.
struct Row<'a> {
    unique_id: Cow<'a, str>,
    item: &'a str,
    date: NaiveDate,
    quantity: f64,
}

/// The usable rows of a long series table, made one by one from its checked columns (a
/// series table can have millions of rows: they are not collected).
/// Also returns the earliest date of a usable row.
fn long_rows(table: &Table) -> Result<(Option<NaiveDate>, impl Iterator<Item = Row<'_>>)> {
    let mut diags = Diagnostics::new();
    let ids = table.ids("unique_id", Need::Required, &mut diags);
    let dates = table.dates("ds", Need::Required, &mut diags);
    let quantities = quantities(table, "y", &ids, &dates, &mut diags);
    let earliest = ids
        .iter()
        .zip(&dates)
        .zip(&quantities)
        .filter_map(|((id, date), quantity)| match (id, date, quantity) {
            (Cell::Value(_), Cell::Value(date), Cell::Value(_)) => Some(*date),
            _ => None,
        })
        .min();
    let rows =
        ids.into_iter().zip(dates).zip(quantities).filter_map(|((id, date), quantity)| match (id, date, quantity) {
            (Cell::Value(id), Cell::Value(date), Cell::Value(quantity)) => {
                Some(Row { unique_id: Cow::Borrowed(id), item: id, date, quantity })
            }
            _ => None,
        });
    diags.finish((earliest, rows))
}

fn order_rows(table: &Table, key: SeriesKey) -> Result<Vec<Row<'_>>> {
    let mut diags = Diagnostics::new();
    let items = table.ids("item", Need::Required, &mut diags);
    let dates = table.dates("due_date", Need::Required, &mut diags);
    let markets = match key {
        SeriesKey::Item => vec![Cell::Empty; table.height()],
        SeriesKey::ItemMarket => table.ids("market", Need::Optional, &mut diags),
    };
    let quantities = quantities(table, "quantity", &items, &dates, &mut diags);
    let mut rows = Vec::with_capacity(table.height());
    for (((item, market), date), quantity) in items.iter().zip(&markets).zip(&dates).zip(&quantities) {
        let (Cell::Value(item), Cell::Value(date), Cell::Value(quantity)) = (item, date, quantity) else {
            continue;
        };
        let unique_id = match (key, market) {
            (SeriesKey::Item, _) => Cow::Borrowed(*item),
            (SeriesKey::ItemMarket, Cell::Value(market)) => Cow::Owned(format!("{item}|{market}")),
            (SeriesKey::ItemMarket, _) => Cow::Owned(format!("{item}|-")),
        };
        rows.push(Row { unique_id, item, date: *date, quantity: *quantity });
    }
    diags.finish(rows)
}

/// The quantity column, `>= 0`. A negative quantity is reported with its series and date.
fn quantities(
    table: &Table,
    column: &str,
    ids: &[Cell<&str>],
    dates: &[Cell<NaiveDate>],
    diags: &mut Diagnostics,
) -> Vec<Cell<f64>> {
    let mut scratch = Diagnostics::new();
    let cells = table.numbers(column, NumberRule::NonNegative, Need::Required, &mut scratch);
    if scratch.is_empty() {
        return cells;
    }
    let mut row_of = BTreeMap::new();
    for row_idx in 0..table.height() {
        row_of.insert(table.row_number(row_idx), row_idx);
    }
    for mut d in scratch.into_problems().diagnostics {
        let negative = d.value.as_deref().and_then(|v| v.trim().parse::<f64>().ok()).is_some_and(|v| v < 0.0);
        let row_idx = d.row.and_then(|row| row_of.get(&row).copied());
        if let (true, Some(row_idx)) = (negative, row_idx) {
            let id = ids.get(row_idx).and_then(|c| c.value()).unwrap_or("?");
            let date = dates.get(row_idx).and_then(|c| c.value()).map(|d| d.to_string()).unwrap_or_else(|| "?".into());
            d.message =
                format!("negative demand in series `{id}` on {date}; demand must be >= 0 (returns are not demand)");
        }
        diags.push(d);
    }
    cells
}

/// The first day of the bucket that holds `earliest`: `earliest` itself for days and (without
/// `align_to`) weeks, the first of its month for months; with `align_to`, the week boundary of
/// `align_to`'s calendar on or before `earliest`.
pub fn anchor_for(earliest: NaiveDate, bucket: Bucket, align_to: Option<NaiveDate>) -> NaiveDate {
    match (bucket, align_to) {
        (Bucket::Day, _) | (Bucket::Week, None) => earliest,
        (Bucket::Week, Some(align)) => {
            let offset = (earliest - align).num_days().rem_euclid(7);
            earliest.checked_sub_days(chrono::Days::new(offset as u64)).unwrap_or(earliest)
        }
        (Bucket::Month, _) => earliest.with_day(1).unwrap_or(earliest),
    }
}

/// The calendar of buckets from `anchor` (a horizon as long as allowed).
pub fn calendar(anchor: NaiveDate, bucket: Bucket) -> Horizon {
    Horizon { start: anchor, bucket, periods: MAX_BUCKETS }
}

fn build_history<'a>(
    file_name: &str,
    earliest: Option<NaiveDate>,
    rows: impl Iterator<Item = Row<'a>>,
    bucket: Bucket,
    align_to: Option<NaiveDate>,
) -> Result<History> {
    let Some(earliest) = earliest else {
        return Err(InputError::single(Diagnostic::file(file_name, "the history has no rows")).into());
    };
    let anchor = anchor_for(earliest, bucket, align_to);
    let horizon = calendar(anchor, bucket);
    // Per series, in order of first appearance: (item, first bucket, last bucket, (bucket,
    // quantity) per row in row order). Rows of one series usually follow each other, so the
    // series of the previous row is tried before the map.
    let mut index_of: BTreeMap<Cow<'_, str>, usize> = BTreeMap::new();
    let mut accumulators: Vec<SeriesRows<'_>> = Vec::new();
    let mut previous: Option<(Cow<'_, str>, usize)> = None;
    for row in rows {
        let PeriodOf::InHorizon(t) = horizon.locate(row.date) else {
            return Err(InputError::single(Diagnostic::file(
                file_name,
                format!(
                    "the dates span more than {MAX_BUCKETS} {}s (latest {}); is a year mistyped?",
                    bucket.as_str(),
                    row.date
                ),
            ))
            .into());
        };
        let series_idx = match &previous {
            Some((id, idx)) if *id == row.unique_id => *idx,
            _ => {
                let next_idx = accumulators.len();
                let idx = *index_of.entry(row.unique_id.clone()).or_insert(next_idx);
                if idx == next_idx {
                    accumulators.push((row.item, t, t, Vec::new()));
                }
                previous = Some((row.unique_id, idx));
                idx
            }
        };
        if let Some(entry) = accumulators.get_mut(series_idx) {
            entry.1 = entry.1.min(t);
            entry.2 = entry.2.max(t);
            entry.3.push((t, row.quantity));
        }
    }
    let series = index_of
        .into_iter()
        .filter_map(|(unique_id, idx)| {
            let (item, first, last, cells) = accumulators.get(idx)?;
            Some(DemandSeries {
                unique_id: unique_id.into_owned(),
                item: item.to_string(),
                start: bucket_start(&horizon, *first),
                values: fill(*first, *last, cells),
            })
        })
        .collect();
    Ok(History { bucket, anchor, series })
}

/// The rows of one series while a history is built: (item, first bucket, last bucket,
/// (bucket, quantity) per row in row order).
type SeriesRows<'a> = (&'a str, usize, usize, Vec<(usize, f64)>);

fn bucket_start(horizon: &Horizon, t: usize) -> NaiveDate {
    horizon.period_start(t).unwrap_or(horizon.start)
}

/// The bucket values from `first` to `last`, each the sum of its rows' quantities in row order.
fn fill(first: usize, last: usize, cells: &[(usize, f64)]) -> Vec<f64> {
    let mut values = vec![0.0; last.saturating_sub(first) + 1];
    for &(t, q) in cells {
        if let Some(slot) = values.get_mut(t.saturating_sub(first)) {
            *slot += q;
        }
    }
    values
}

/// Extends every series of an orders history to the common calendar `[0, last bucket]`: an
/// item with no order in a week had zero demand that week.
pub fn align_to_common_span(history: &mut History) {
    let horizon = calendar(history.anchor, history.bucket);
    let index_of = |date: NaiveDate| match horizon.locate(date) {
        PeriodOf::InHorizon(t) => t,
        _ => 0,
    };
    let last = history.series.iter().map(|s| index_of(s.start) + s.values.len().saturating_sub(1)).max().unwrap_or(0);
    for series in &mut history.series {
        let first = index_of(series.start);
        let mut values = vec![0.0; first];
        values.append(&mut series.values);
        values.resize(last + 1, 0.0);
        series.values = values;
        series.start = history.anchor;
    }
}
