//! The plan files as the checker reads them: a tiny CSV reader (and Parquet through polars),
//! every cell a trimmed string, the rows of `lots`, `inventory`, `resources`,
//! `order_promises` and `changes` (replanning), and the claims of `summary.json`.
//! Deliberately independent of the input reader (`input::table`).

use crate::error::{Diagnostic, Error, InputError, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;

/// A plan file that is missing or malformed: the plan folder cannot be used.
pub(super) fn unusable(dir: &Path) -> impl Fn(Diagnostic) -> Error + '_ {
    move |problem| Error::Plan { dir: dir.to_path_buf(), problems: InputError::single(problem) }
}

/// One table of the plan folder, every cell as a trimmed string.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Table {
    /// File name as found (e.g. `lots.csv`).
    file: String,
    /// Column names.
    header: Vec<String>,
    /// Data rows with their spreadsheet row number (header = 1).
    rows: Vec<TableRow>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq)]
struct TableRow {
    /// Spreadsheet row number (header = 1).
    row: usize,
    /// Cells, in header order (may be shorter or longer than the header).
    cells: Vec<String>,
}

/// Reads `stem.csv`, or `stem.parquet` when there is no CSV.
pub(super) fn load_table(dir: &Path, stem: &str) -> Result<Table> {
    let csv_path = dir.join(format!("{stem}.csv"));
    if csv_path.is_file() {
        let text =
            std::fs::read_to_string(&csv_path).map_err(|source| Error::Read { path: csv_path.clone(), source })?;
        return parse_csv(&format!("{stem}.csv"), &text).map_err(unusable(dir));
    }
    let parquet_path = dir.join(format!("{stem}.parquet"));
    if parquet_path.is_file() {
        let handle =
            std::fs::File::open(&parquet_path).map_err(|source| Error::Read { path: parquet_path.clone(), source })?;
        return read_parquet(handle, &format!("{stem}.parquet")).map_err(unusable(dir));
    }
    Err(unusable(dir)(Diagnostic::file(
        format!("{stem}.csv"),
        format!("the plan file is missing (no {stem}.csv or {stem}.parquet)"),
    )))
}

/// Reads `stem.csv`, or `stem.parquet` when there is no CSV; `None` when the folder has
/// neither (a file only some plans have, such as `changes`).
pub(super) fn load_optional_table(dir: &Path, stem: &str) -> Result<Option<Table>> {
    let present = ["csv", "parquet"].iter().any(|ext| dir.join(format!("{stem}.{ext}")).is_file());
    if present {
        load_table(dir, stem).map(Some)
    } else {
        Ok(None)
    }
}

/// Parses CSV text (RFC 4180 quoting, `""` escapes, CRLF, a leading BOM) into a table.
fn parse_csv(file: &str, text: &str) -> Result<Table, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = split_csv_records(file, text)?;
    let mut records = records.into_iter();
    let header = match records.next() {
        Some((_, cells)) if !is_blank(&cells) => cells,
        _ => return Err(Diagnostic::file(file, "no header row")),
    };
    let rows = records.filter(|(_, cells)| !is_blank(cells)).map(|(row, cells)| TableRow { row, cells }).collect();
    Ok(Table { file: file.to_string(), header, rows })
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|cell| cell.is_empty())
}

/// Splits CSV text into records of trimmed cells, each with its 1-based record number.
fn split_csv_records(file: &str, text: &str) -> Result<Vec<(usize, Vec<String>)>, Diagnostic> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut field_was_quoted = false;
    let mut record_number = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() && !field_was_quoted => {
                field.clear();
                in_quotes = true;
                field_was_quoted = true;
            }
            ',' => {
                record.push(finish_field(&mut field, field_was_quoted));
                field_was_quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(finish_field(&mut field, field_was_quoted));
                field_was_quoted = false;
                records.push((record_number, std::mem::take(&mut record)));
                record_number += 1;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        let message = "a quoted cell is not closed before the end of the file";
        return Err(Diagnostic {
            file: file.to_string(),
            row: Some(record_number),
            column: None,
            value: None,
            message: message.to_string(),
        });
    }
    if !field.is_empty() || field_was_quoted || !record.is_empty() {
        record.push(finish_field(&mut field, field_was_quoted));
        records.push((record_number, record));
    }
    Ok(records)
}

fn finish_field(field: &mut String, quoted: bool) -> String {
    let text = std::mem::take(field);
    if quoted {
        text
    } else {
        text.trim().to_string()
    }
}

/// Reads a Parquet table with polars, casting every column to strings (null = empty cell).
fn read_parquet(handle: std::fs::File, file: &str) -> Result<Table, Diagnostic> {
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let frame = ParquetReader::new(handle).finish().map_err(|error| Diagnostic::file(file, error.to_string()))?;
    let mut header = Vec::new();
    let mut columns: Vec<Vec<String>> = Vec::new();
    for column in frame.columns() {
        let name = column.name().to_string();
        let as_text = column.cast(&DataType::String).map_err(|error| Diagnostic {
            file: file.to_string(),
            row: None,
            column: Some(name.clone()),
            value: None,
            message: format!("cannot read the column as text: {error}"),
        })?;
        let strings = as_text.str().map_err(|error| Diagnostic::file(file, error.to_string()))?;
        columns.push(strings.iter().map(|cell| cell.unwrap_or("").trim().to_string()).collect());
        header.push(name);
    }
    let rows = (0..frame.height())
        .map(|row_idx| TableRow {
            row: row_idx + 2,
            cells: columns.iter().map(|column| column.get(row_idx).cloned().unwrap_or_default()).collect(),
        })
        .collect();
    Ok(Table { file: file.to_string(), header, rows })
}

/// Column positions of a table, looked up by name.
struct Columns<'a> {
    table: &'a Table,
    positions: BTreeMap<&'static str, usize>,
}

impl<'a> Columns<'a> {
    /// Finds every column in `names`; a missing one is an error.
    fn new(table: &'a Table, names: &[&'static str]) -> Result<Self, Diagnostic> {
        let mut positions = BTreeMap::new();
        for name in names {
            let position = table.header.iter().position(|column| column == name).ok_or_else(|| Diagnostic {
                file: table.file.clone(),
                row: Some(1),
                column: Some((*name).to_string()),
                value: None,
                message: format!("missing column {name:?}"),
            })?;
            positions.insert(*name, position);
        }
        Ok(Columns { table, positions })
    }

    /// Also finds the columns in `names` that the table has; a missing one reads as empty cells
    /// (a version-1 plan's `lots.csv` has no `route` and `supplier`).
    fn with_optional(mut self, names: &[&'static str]) -> Self {
        for name in names {
            if let Some(position) = self.table.header.iter().position(|column| column == name) {
                self.positions.insert(*name, position);
            }
        }
        self
    }

    /// Typed access to one row.
    fn row(&self, row: &'a TableRow) -> Cells<'_, 'a> {
        Cells { columns: self, row }
    }
}

/// Typed access to the cells of one row; parse failures name file, row, column and value.
struct Cells<'c, 'a> {
    columns: &'c Columns<'a>,
    row: &'a TableRow,
}

impl Cells<'_, '_> {
    fn text(&self, column: &'static str) -> &str {
        self.columns.positions.get(column).and_then(|position| self.row.cells.get(*position)).map_or("", String::as_str)
    }

    /// The cell's text, `None` when the table has no such column (an optional one).
    fn optional_text(&self, column: &'static str) -> Option<String> {
        self.columns.positions.contains_key(column).then(|| self.text(column).to_string())
    }

    fn error(&self, column: &'static str, message: &str) -> Diagnostic {
        Diagnostic::cell(self.columns.table.file.clone(), self.row.row, column, self.text(column), message)
    }

    fn id(&self, column: &'static str) -> Result<String, Diagnostic> {
        let text = self.text(column);
        if text.is_empty() {
            return Err(self.error(column, "expected a non-empty id"));
        }
        Ok(text.to_string())
    }

    fn number(&self, column: &'static str) -> Result<f64, Diagnostic> {
        self.optional_number(column)?.ok_or_else(|| self.error(column, "expected a number, found an empty cell"))
    }

    fn optional_number(&self, column: &'static str) -> Result<Option<f64>, Diagnostic> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Some(value)),
            _ => Err(self.error(column, "expected a finite number")),
        }
    }

    fn period(&self, column: &'static str) -> Result<i64, Diagnostic> {
        self.optional_period(column)?.ok_or_else(|| self.error(column, "expected a period, found an empty cell"))
    }

    /// An integer; a float that is exactly an integer (e.g. `3.0`) is accepted too.
    fn optional_period(&self, column: &'static str) -> Result<Option<i64>, Diagnostic> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        if let Ok(value) = text.parse::<i64>() {
            return Ok(Some(value));
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 => Ok(Some(value as i64)),
            _ => Err(self.error(column, "expected an integer period")),
        }
    }

    fn date(&self, column: &'static str) -> Result<NaiveDate, Diagnostic> {
        NaiveDate::parse_from_str(self.text(column), "%Y-%m-%d")
            .map_err(|_| self.error(column, "expected an ISO date (YYYY-MM-DD)"))
    }
}

// ---------------------------------------------------------------------------------------------
// Plan rows

/// One row of `lots.csv`. `route` and `supplier` are empty for the unnamed route or supplier,
/// and when the file has no such column (a version-1 plan).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LotRow {
    pub(crate) item: String,
    pub(crate) kind: String,
    pub(crate) route: String,
    pub(crate) supplier: String,
    pub(crate) period: i64,
    pub(crate) start_date: NaiveDate,
    pub(crate) available_period: i64,
    pub(crate) quantity: f64,
}

pub(super) fn parse_lots(table: &Table) -> Result<Vec<LotRow>, Diagnostic> {
    let columns = Columns::new(table, &["item", "kind", "period", "start_date", "available_period", "quantity"])?
        .with_optional(&["route", "supplier"]);
    table
        .rows
        .iter()
        .map(|row| {
            let cells = columns.row(row);
            Ok(LotRow {
                item: cells.id("item")?,
                kind: cells.text("kind").to_string(),
                route: cells.text("route").to_string(),
                supplier: cells.text("supplier").to_string(),
                period: cells.period("period")?,
                start_date: cells.date("start_date")?,
                available_period: cells.period("available_period")?,
                quantity: cells.number("quantity")?,
            })
        })
        .collect()
}

/// One row of `inventory.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct InventoryValues {
    pub(crate) demand: f64,
    pub(crate) shipped: f64,
    pub(crate) inventory: f64,
    pub(crate) backlog: f64,
    pub(crate) safety_shortfall: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InventoryRow {
    pub(crate) item: String,
    pub(crate) period: i64,
    pub(crate) values: InventoryValues,
}

pub(super) fn parse_inventory(table: &Table) -> Result<Vec<InventoryRow>, Diagnostic> {
    let columns =
        Columns::new(table, &["item", "period", "demand", "shipped", "inventory", "backlog", "safety_shortfall"])?;
    table
        .rows
        .iter()
        .map(|row| {
            let cells = columns.row(row);
            Ok(InventoryRow {
                item: cells.id("item")?,
                period: cells.period("period")?,
                values: InventoryValues {
                    demand: cells.number("demand")?,
                    shipped: cells.number("shipped")?,
                    inventory: cells.number("inventory")?,
                    backlog: cells.number("backlog")?,
                    safety_shortfall: cells.number("safety_shortfall")?,
                },
            })
        })
        .collect()
}

/// One row of `resources.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ResourceValues {
    pub(crate) capacity: f64,
    pub(crate) run_time: f64,
    pub(crate) setup_time: f64,
    pub(crate) overtime: f64,
    pub(crate) utilization: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResourceRow {
    pub(crate) resource: String,
    pub(crate) period: i64,
    pub(crate) values: ResourceValues,
}

pub(super) fn parse_resources(table: &Table) -> Result<Vec<ResourceRow>, Diagnostic> {
    let columns =
        Columns::new(table, &["resource", "period", "capacity", "run_time", "setup_time", "overtime", "utilization"])?;
    table
        .rows
        .iter()
        .map(|row| {
            let cells = columns.row(row);
            Ok(ResourceRow {
                resource: cells.id("resource")?,
                period: cells.period("period")?,
                values: ResourceValues {
                    capacity: cells.number("capacity")?,
                    run_time: cells.number("run_time")?,
                    setup_time: cells.number("setup_time")?,
                    overtime: cells.number("overtime")?,
                    utilization: cells.optional_number("utilization")?,
                },
            })
        })
        .collect()
}

/// One row of `order_promises.csv`. `options` and `class` (v2, spec section 3) are `None`
/// when the file has no such column (a plan written before configurable products).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PromiseRow {
    pub(crate) order_id: String,
    /// The item ordered (a configurable product's id for an order of one).
    pub(crate) item: String,
    /// The order's options, `attr=value;attr=value` (empty for an ordinary item).
    pub(crate) options: Option<String>,
    /// The planning class the order is planned in (the item for an ordinary item).
    pub(crate) class: Option<String>,
    pub(crate) quantity: f64,
    pub(crate) due_period: i64,
    pub(crate) promised_period: Option<i64>,
    pub(crate) periods_late: Option<i64>,
}

pub(super) fn parse_promises(table: &Table) -> Result<Vec<PromiseRow>, Diagnostic> {
    let columns =
        Columns::new(table, &["order_id", "item", "quantity", "due_period", "promised_period", "periods_late"])?
            .with_optional(&["options", "class"]);
    table
        .rows
        .iter()
        .map(|row| {
            let cells = columns.row(row);
            Ok(PromiseRow {
                order_id: cells.id("order_id")?,
                item: cells.text("item").to_string(),
                options: cells.optional_text("options"),
                class: cells.optional_text("class"),
                quantity: cells.number("quantity")?,
                due_period: cells.period("due_period")?,
                promised_period: cells.optional_period("promised_period")?,
                periods_late: cells.optional_period("periods_late")?,
            })
        })
        .collect()
}

/// `changes.csv` (or `changes.parquet`) of a replanned plan: its file name and rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Changes {
    /// The file as found (`changes.csv` or `changes.parquet`), for messages.
    pub(crate) file: String,
    pub(crate) rows: Vec<ChangeRow>,
}

/// One row of `changes.csv`: a lot quantity of a way (route or supplier, empty for none) in a
/// 1-based period, in the previous plan and in this one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChangeRow {
    pub(crate) item: String,
    pub(crate) route: String,
    pub(crate) supplier: String,
    pub(crate) period: i64,
    pub(crate) previous_quantity: f64,
    pub(crate) quantity: f64,
}

/// Reads the rows of `changes`: `item` (a non-empty id), `period` (an integer, or a float that
/// is one), `previous_quantity` and `quantity` (finite numbers) are required; `route` and
/// `supplier` may be left out (empty cells: the item's unnamed way). Parquet columns of any
/// type are read through their text.
pub(super) fn parse_changes(table: &Table) -> Result<Changes, Diagnostic> {
    let columns = Columns::new(table, &["item", "period", "previous_quantity", "quantity"])?
        .with_optional(&["route", "supplier"]);
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let cells = columns.row(row);
            Ok(ChangeRow {
                item: cells.id("item")?,
                route: cells.text("route").to_string(),
                supplier: cells.text("supplier").to_string(),
                period: cells.period("period")?,
                previous_quantity: cells.number("previous_quantity")?,
                quantity: cells.number("quantity")?,
            })
        })
        .collect::<Result<Vec<_>, Diagnostic>>()?;
    Ok(Changes { file: table.file.clone(), rows })
}

/// What `summary.json` claims.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Summary {
    pub(super) status: Option<String>,
    pub(super) objective: Option<f64>,
    pub(super) costs: BTreeMap<String, Option<f64>>,
    pub(super) fill_rate: Option<f64>,
    pub(super) on_time_rate: Option<f64>,
    /// `suppliers`: per supplier id its claimed `units` and `spend` (empty when absent).
    pub(super) suppliers: Vec<SupplierClaim>,
    /// `replan`: the replanning settings and counts, when the plan was replanned.
    pub(super) replan: Option<ReplanClaim>,
}

/// `summary.json`'s `replan` object (spec section 3). A field left out is `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct ReplanClaim {
    /// The previous plan folder as the planner was given it (not compared: a path may be
    /// spelled in many ways).
    pub(super) previous: Option<String>,
    pub(super) frozen_periods: Option<u64>,
    pub(super) change_cost: Option<f64>,
    pub(super) new_lot_cost: Option<f64>,
    pub(super) lots_added: Option<u64>,
    pub(super) lots_removed: Option<u64>,
    pub(super) lots_changed: Option<u64>,
    pub(super) units_changed: Option<f64>,
}

/// One entry of `summary.json`'s `suppliers`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct SupplierClaim {
    pub(super) supplier: String,
    pub(super) units: Option<f64>,
    pub(super) spend: Option<f64>,
}

pub(super) fn read_summary(dir: &Path) -> Result<Summary> {
    let path = dir.join("summary.json");
    if !path.is_file() {
        return Err(unusable(dir)(Diagnostic::file("summary.json", "the plan file is missing")));
    }
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
    parse_summary(&text).map_err(unusable(dir))
}

fn parse_summary(text: &str) -> Result<Summary, Diagnostic> {
    const FILE: &str = "summary.json";
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| Diagnostic::file(FILE, format!("invalid JSON: {error}")))?;
    let object = value.as_object().ok_or_else(|| Diagnostic::file(FILE, "expected a JSON object"))?;
    let status = match object.get("status") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(status)) => Some(status.clone()),
        Some(other) => return Err(summary_type_error("status", other, "a string")),
    };
    let mut costs = BTreeMap::new();
    match object.get("costs") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(terms)) => {
            for (name, value) in terms {
                costs.insert(name.clone(), json_number(&format!("costs.{name}"), value)?);
            }
        }
        Some(other) => return Err(summary_type_error("costs", other, "an object")),
    }
    let mut suppliers = Vec::new();
    match object.get("suppliers") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Array(entries)) => {
            for (n, entry) in entries.iter().enumerate() {
                let key = format!("suppliers[{n}]");
                let fields = entry.as_object().ok_or_else(|| summary_type_error(&key, entry, "an object"))?;
                let supplier = match fields.get("supplier") {
                    Some(serde_json::Value::String(id)) => id.clone(),
                    other => {
                        let value = other.cloned().unwrap_or(serde_json::Value::Null);
                        return Err(summary_type_error(&format!("{key}.supplier"), &value, "a supplier id"));
                    }
                };
                let number = |name: &str| {
                    fields.get(name).map_or(Ok(None), |value| json_number(&format!("{key}.{name}"), value))
                };
                suppliers.push(SupplierClaim { supplier, units: number("units")?, spend: number("spend")? });
            }
        }
        Some(other) => return Err(summary_type_error("suppliers", other, "an array")),
    }
    let replan = match object.get("replan") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Object(fields)) => Some(parse_replan_claim(fields)?),
        Some(other) => return Err(summary_type_error("replan", other, "an object")),
    };
    let number = |key: &str| object.get(key).map_or(Ok(None), |value| json_number(key, value));
    Ok(Summary {
        status,
        objective: number("objective")?,
        costs,
        fill_rate: number("fill_rate")?,
        on_time_rate: number("on_time_rate")?,
        suppliers,
        replan,
    })
}

/// The `replan` object: `previous` a string; `frozen_periods` and the `lots_*` counts whole
/// numbers >= 0 (`2` or `2.0`); `change_cost`, `new_lot_cost` and `units_changed` numbers;
/// `null` or a left-out field is `None`.
fn parse_replan_claim(fields: &serde_json::Map<String, serde_json::Value>) -> Result<ReplanClaim, Diagnostic> {
    let number = |name: &str| fields.get(name).map_or(Ok(None), |value| json_number(&format!("replan.{name}"), value));
    let count = |name: &str| fields.get(name).map_or(Ok(None), |value| json_count(&format!("replan.{name}"), value));
    let previous = match fields.get("previous") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(path)) => Some(path.clone()),
        Some(other) => return Err(summary_type_error("replan.previous", other, "a folder path (a string)")),
    };
    Ok(ReplanClaim {
        previous,
        frozen_periods: count("frozen_periods")?,
        change_cost: number("change_cost")?,
        new_lot_cost: number("new_lot_cost")?,
        lots_added: count("lots_added")?,
        lots_removed: count("lots_removed")?,
        lots_changed: count("lots_changed")?,
        units_changed: number("units_changed")?,
    })
}

/// A whole number >= 0 (a JSON float that is one, such as `3.0`, too).
fn json_count(key: &str, value: &serde_json::Value) -> Result<Option<u64>, Diagnostic> {
    const LARGEST_EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    let Some(number) = json_number(key, value)? else {
        return Ok(None);
    };
    if let Some(count) = value.as_u64() {
        return Ok(Some(count));
    }
    if number >= 0.0 && number.fract() == 0.0 && number <= LARGEST_EXACT {
        return Ok(Some(number as u64));
    }
    Err(summary_type_error(key, value, "a whole number >= 0"))
}

fn json_number(key: &str, value: &serde_json::Value) -> Result<Option<f64>, Diagnostic> {
    match value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(number) => Ok(number.as_f64()),
        other => Err(summary_type_error(key, other, "a number")),
    }
}

fn summary_type_error(key: &str, value: &serde_json::Value, expected: &str) -> Diagnostic {
    Diagnostic {
        file: "summary.json".to_string(),
        row: None,
        column: Some(key.to_string()),
        value: Some(value.to_string()),
        message: format!("expected {expected}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reader_handles_quotes_crlf_bom_and_blank_lines() {
        let text = "\u{feff}a,b,c\r\n 1 ,\"x, \"\"y\"\"\",\r\n\r\n\"multi\nline\",2,3";
        let table = parse_csv("t.csv", text).map_err(|e| e.to_string());
        let table = table.as_ref().map(|t| (t.header.clone(), t.rows.clone()));
        let expected_rows = vec![
            TableRow { row: 2, cells: vec!["1".into(), "x, \"y\"".into(), "".into()] },
            TableRow { row: 4, cells: vec!["multi\nline".into(), "2".into(), "3".into()] },
        ];
        assert_eq!(table, Ok((vec!["a".to_string(), "b".to_string(), "c".to_string()], expected_rows)));
    }

    #[test]
    fn csv_reader_rejects_an_unclosed_quote() {
        let error = parse_csv("t.csv", "a,b\n1,\"oops\n");
        assert!(matches!(error, Err(Diagnostic { row: Some(2), .. })), "{error:?}");
    }

    #[test]
    fn summary_with_a_string_objective_is_malformed() {
        let error = parse_summary(r#"{"status":"optimal","objective":"12"}"#);
        let column = match error {
            Err(diagnostic) => diagnostic.column,
            _ => None,
        };
        assert_eq!(column.as_deref(), Some("objective"));
    }

    #[test]
    fn summary_replan_is_read_and_a_malformed_field_is_named() {
        let text = r#"{"replan":{"previous":"../out/monday","frozen_periods":2,"change_cost":0.5,
            "new_lot_cost":10,"lots_added":3.0,"lots_removed":1,"lots_changed":0,"units_changed":26.5}}"#;
        let claim = parse_summary(text).map(|s| s.replan);
        let want = ReplanClaim {
            previous: Some("../out/monday".into()),
            frozen_periods: Some(2),
            change_cost: Some(0.5),
            new_lot_cost: Some(10.0),
            lots_added: Some(3),
            lots_removed: Some(1),
            lots_changed: Some(0),
            units_changed: Some(26.5),
        };
        assert_eq!(claim, Ok(Some(want)));
        assert_eq!(parse_summary(r#"{"replan":null}"#).map(|s| s.replan), Ok(None));
        assert_eq!(parse_summary(r#"{"replan":{}}"#).map(|s| s.replan), Ok(Some(ReplanClaim::default())));
        for (text, column) in [
            (r#"{"replan":[]}"#, "replan"),
            (r#"{"replan":{"previous":3}}"#, "replan.previous"),
            (r#"{"replan":{"frozen_periods":-1}}"#, "replan.frozen_periods"),
            (r#"{"replan":{"lots_added":1.5}}"#, "replan.lots_added"),
            (r#"{"replan":{"lots_changed":"2"}}"#, "replan.lots_changed"),
            (r#"{"replan":{"units_changed":"many"}}"#, "replan.units_changed"),
        ] {
            let found = parse_summary(text).err().and_then(|d| d.column);
            assert_eq!(found.as_deref(), Some(column), "{text}");
        }
    }

    #[test]
    fn changes_rows_are_read_with_route_and_supplier_optional() {
        let text = "item,period,previous_quantity,quantity\nA,2,25,30.5\nB,3.0,8,0\n";
        let changes = parse_csv("changes.csv", text).and_then(|table| parse_changes(&table));
        let row = |item: &str, period, previous_quantity, quantity| ChangeRow {
            item: item.to_string(),
            route: String::new(),
            supplier: String::new(),
            period,
            previous_quantity,
            quantity,
        };
        let want = Changes { file: "changes.csv".into(), rows: vec![row("A", 2, 25.0, 30.5), row("B", 3, 8.0, 0.0)] };
        assert_eq!(changes, Ok(want));
        let bad = parse_csv("changes.csv", "item,route,supplier,period,previous_quantity,quantity\nA,R,,2,,4\n")
            .and_then(|table| parse_changes(&table));
        assert!(
            matches!(&bad, Err(d) if d.row == Some(2) && d.column.as_deref() == Some("previous_quantity")),
            "{bad:?}"
        );
        let missing = parse_csv("changes.csv", "item,period,quantity\n").and_then(|table| parse_changes(&table));
        assert!(matches!(&missing, Err(d) if d.column.as_deref() == Some("previous_quantity")), "{missing:?}");
    }

    #[test]
    fn summary_suppliers_are_read_and_a_malformed_entry_is_named() {
        let summary = parse_summary(r#"{"suppliers":[{"supplier":"MILL","units":5,"spend":20.5}]}"#);
        let claims = summary.map(|s| s.suppliers).unwrap_or_default();
        let want = SupplierClaim { supplier: "MILL".into(), units: Some(5.0), spend: Some(20.5) };
        assert_eq!(claims, vec![want]);
        for (text, column) in [
            (r#"{"suppliers":{}}"#, "suppliers"),
            (r#"{"suppliers":[3]}"#, "suppliers[0]"),
            (r#"{"suppliers":[{"units":5}]}"#, "suppliers[0].supplier"),
            (r#"{"suppliers":[{"supplier":"M","spend":"a lot"}]}"#, "suppliers[0].spend"),
        ] {
            let found = parse_summary(text).err().and_then(|d| d.column);
            assert_eq!(found.as_deref(), Some(column), "{text}");
        }
    }
}
