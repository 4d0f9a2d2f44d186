//! The independent plan checker (`flexplan validate`).
//!
//! [`check_plan`] reads a plan folder written by the planner (`lots`, `inventory`, `resources`,
//! `order_promises` as `.csv`, or `.parquet` when no CSV is there, plus `summary.json`) and
//! recomputes, from the validated [`PlanInput`] and those files alone, whether the plan is
//! feasible for the formulation of `planning-model.md` (sections 1-3) and what it costs.
//!
//! It is a second, deliberately simple implementation of the spec: it does not use the
//! planner's modules (`model`, `solve`, `report`, `demand`, `bom`). Demand `D[i,t]` is
//! recomputed from the orders and the forecast with [`crate::input::Horizon::locate`], and BOM
//! consumption is summed from `input.bom` directly. Every constraint is checked on the
//! reported values row by row (the balance of period `t` uses the reported inventory of
//! `t - 1`), so one wrong number gives a violation where it is, not a cascade.
//!
//! # Tolerances
//! - Feasibility (balances, backlog, lot sizes, capacity, row values against the recomputed
//!   ones): `|a - b| <= 1e-6 + 1e-9 * scale`, where `scale` is the largest magnitude among the
//!   terms involved ([`FEASIBILITY_ABS_TOL`], [`FEASIBILITY_REL_TOL`]). An order counts as
//!   fully served when what is left of it is within that tolerance of 0. The inventory
//!   balance also allows [`WRITTEN_ROUNDING`] times the BOM quantity of every parent lot in
//!   the period: a lot of 285.714286 (= 400 / 1.4, written to 6 decimals) consumes
//!   400.0000004 of its component.
//!   `utilization` is compared as a ratio against `(run_time + setup_time) / capacity` of the
//!   same row (the planner rounds every written number to 1e-6).
//! - `lot_multiple`: `x / m` within `1e-6` of an integer ([`LOT_MULTIPLE_TOL`]).
//! - Costs, objective, fill rate and on-time rate against `summary.json`:
//!   `|a - b| <= 1e-6 + 1e-7 * max(|a|, |b|)` ([`COST_ABS_TOL`], [`COST_REL_TOL`]).
//!
//! # Conventions
//! A [`Violation`]'s `period` is 1-based, as in the files. For order promises it is the due
//! period recomputed by the checker. Costs are recomputed from the reported quantities: lots
//! (`x`, and `y = 1` iff a lot of positive quantity exists), reported inventory, backlog and
//! safety shortfall, and reported overtime.

use crate::costs::CostBreakdown;
use crate::error::{Diagnostic, Error, InputError, Result};
use crate::input::{PlanInput, Routing};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// Absolute part of the feasibility tolerance.
pub const FEASIBILITY_ABS_TOL: f64 = 1e-6;
/// Relative part of the feasibility tolerance (times the magnitude of the terms).
pub const FEASIBILITY_REL_TOL: f64 = 1e-9;
/// Half of the 1e-6 to which the planner writes every number: the largest rounding error of
/// one written value. The balance check allows it once per BOM quantity unit of consumption.
pub const WRITTEN_ROUNDING: f64 = 5e-7;
/// How close `x / lot_multiple` must be to an integer.
pub const LOT_MULTIPLE_TOL: f64 = 1e-6;
/// Absolute part of the tolerance on costs and rates compared with `summary.json`.
pub const COST_ABS_TOL: f64 = 1e-6;
/// Relative part of the tolerance on costs and rates compared with `summary.json`.
pub const COST_REL_TOL: f64 = 1e-7;

/// At most this many violations are listed by [`CheckReport::to_text`] (all are kept).
const MAX_TEXT_VIOLATIONS: usize = 200;

/// What rule a [`Violation`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    /// A row names an item that is not in the input.
    UnknownItem,
    /// A row names a resource that is not in the input.
    UnknownResource,
    /// A promise names an order that is not in the input or not planned (due beyond the horizon).
    UnknownOrder,
    /// A row's period is outside `1..=T`.
    PeriodOutOfRange,
    /// A row that must exist is missing (inventory, resource or promise row).
    MissingRow,
    /// Two rows for the same key (item and period, resource and period, order).
    DuplicateRow,
    /// A lot's `kind` is not the item's kind.
    KindMismatch,
    /// A lot starts after `T - lead_time`: it would arrive after the horizon.
    LotAfterHorizon,
    /// `available_period` is not `period + lead_time`.
    AvailablePeriod,
    /// `start_date` is not the first day of the lot's period.
    StartDate,
    /// A lot with quantity `<= 0`.
    NonPositiveLot,
    /// A lot below the item's `min_lot`.
    MinLot,
    /// A lot above the item's `max_lot`.
    MaxLot,
    /// A lot that is not an integer multiple of the item's `lot_multiple`.
    LotMultiple,
    /// The `demand` column differs from the recomputed `D[i,t]`.
    Demand,
    /// A negative shipped, inventory, backlog or safety shortfall quantity.
    Negative,
    /// The inventory balance (constraint 1) does not hold.
    Balance,
    /// The backlog equation (constraint 2) does not hold.
    Backlog,
    /// Backlog on an item whose `backlog_cost` is empty (late shipment not allowed).
    BacklogNotAllowed,
    /// Shipments or backlog on an item that has no demand.
    NoDemand,
    /// `I + S >= safety_stock` (constraint 6) does not hold.
    SafetyShortfall,
    /// The reported run time differs from `sum u * x`.
    RunTime,
    /// The reported setup time differs from `sum s * y`.
    SetupTime,
    /// The reported capacity differs from `C[r,t]`.
    Capacity,
    /// The load exceeds capacity plus the maximum overtime (constraint 3).
    CapacityExceeded,
    /// Reported overtime below what the load needs, negative, or above `overtime_max`.
    Overtime,
    /// The reported utilization differs from `(run_time + setup_time) / capacity`.
    Utilization,
    /// An order promise row differs from the recomputed FIFO allocation.
    Promise,
    /// A cost term in `summary.json` differs from the recomputed one.
    Cost,
    /// The objective in `summary.json` differs from the recomputed total.
    Objective,
    /// `fill_rate` in `summary.json` differs from the recomputed one.
    FillRate,
    /// `on_time_rate` in `summary.json` differs from the recomputed one.
    OnTimeRate,
    /// `status` in `summary.json` is not `optimal` or `feasible`.
    Status,
    /// A required field of `summary.json` is missing.
    SummaryField,
}

impl ViolationKind {
    /// The snake_case name used in text and JSON reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::UnknownItem => "unknown_item",
            ViolationKind::UnknownResource => "unknown_resource",
            ViolationKind::UnknownOrder => "unknown_order",
            ViolationKind::PeriodOutOfRange => "period_out_of_range",
            ViolationKind::MissingRow => "missing_row",
            ViolationKind::DuplicateRow => "duplicate_row",
            ViolationKind::KindMismatch => "kind_mismatch",
            ViolationKind::LotAfterHorizon => "lot_after_horizon",
            ViolationKind::AvailablePeriod => "available_period",
            ViolationKind::StartDate => "start_date",
            ViolationKind::NonPositiveLot => "non_positive_lot",
            ViolationKind::MinLot => "min_lot",
            ViolationKind::MaxLot => "max_lot",
            ViolationKind::LotMultiple => "lot_multiple",
            ViolationKind::Demand => "demand",
            ViolationKind::Negative => "negative",
            ViolationKind::Balance => "balance",
            ViolationKind::Backlog => "backlog",
            ViolationKind::BacklogNotAllowed => "backlog_not_allowed",
            ViolationKind::NoDemand => "no_demand",
            ViolationKind::SafetyShortfall => "safety_shortfall",
            ViolationKind::RunTime => "run_time",
            ViolationKind::SetupTime => "setup_time",
            ViolationKind::Capacity => "capacity",
            ViolationKind::CapacityExceeded => "capacity_exceeded",
            ViolationKind::Overtime => "overtime",
            ViolationKind::Utilization => "utilization",
            ViolationKind::Promise => "promise",
            ViolationKind::Cost => "cost",
            ViolationKind::Objective => "objective",
            ViolationKind::FillRate => "fill_rate",
            ViolationKind::OnTimeRate => "on_time_rate",
            ViolationKind::Status => "status",
            ViolationKind::SummaryField => "summary_field",
        }
    }
}

/// One broken rule, located as precisely as the plan allows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// The rule broken.
    pub kind: ViolationKind,
    /// The item, resource or order id concerned, or the cost term / summary field name.
    pub subject: String,
    /// 1-based period, when the violation is about one period.
    pub period: Option<usize>,
    /// Size of the violation (difference, shortfall or excess), in the units of the quantity.
    pub amount: f64,
    /// A sentence a planner understands, starting with the subject and period.
    pub message: String,
}

/// What [`check_plan`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Every violation, in check order (lots, inventory, resources, promises, summary).
    pub violations: Vec<Violation>,
    /// The objective's terms recomputed from the plan.
    pub costs: CostBreakdown,
    /// The recomputed objective (`costs.total()`).
    pub objective: f64,
    /// The objective claimed in `summary.json`, if it has one.
    pub reported_objective: Option<f64>,
    /// Recomputed fill rate: `sum F / sum D` (1 when there is no demand).
    pub fill_rate: f64,
    /// Recomputed share of planned firm orders served on time (1 when there are none).
    pub on_time_rate: f64,
}

impl CheckReport {
    /// True when the plan broke no rule.
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }

    /// A human-readable report (lists at most 200 violations, then counts the rest).
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        if self.is_ok() {
            text.push_str("Plan check: OK, no violations\n");
        } else {
            let n = self.violations.len();
            let _ = writeln!(text, "Plan check: FAILED, {n} violation{}", plural(n));
        }
        let reported = self.reported_objective.map_or_else(|| "missing".to_string(), fmt_num);
        let _ = writeln!(text, "Objective: recomputed {}, summary.json {reported}", fmt_num(self.objective));
        let terms: Vec<String> = self.costs.terms().map(|(name, value)| format!("{name} {}", fmt_num(value))).collect();
        let _ = writeln!(text, "Costs: {}", terms.join(", "));
        let _ = writeln!(text, "Fill rate {}, on-time rate {}", fmt_num(self.fill_rate), fmt_num(self.on_time_rate));
        if !self.is_ok() {
            text.push_str("Violations:\n");
            for violation in self.violations.iter().take(MAX_TEXT_VIOLATIONS) {
                let _ = writeln!(text, "  [{}] {}", violation.kind.as_str(), violation.message);
            }
            if self.violations.len() > MAX_TEXT_VIOLATIONS {
                let _ = writeln!(text, "  ... and {} more", self.violations.len() - MAX_TEXT_VIOLATIONS);
            }
        }
        text
    }
}

/// A plan file that is missing or malformed: the plan folder cannot be used.
fn unusable(dir: &Path) -> impl Fn(Diagnostic) -> Error + '_ {
    move |problem| Error::Plan { dir: dir.to_path_buf(), problems: InputError::single(problem) }
}

/// Checks the plan in `plan_dir` against `input`; see the module docs.
///
/// Returns an error only when the plan files cannot be read ([`Error::Read`]) or are missing or
/// malformed ([`Error::Plan`]); every broken rule is a [`Violation`] in the report.
pub fn check_plan(input: &PlanInput, plan_dir: &Path) -> Result<CheckReport> {
    let lots_table = load_table(plan_dir, "lots")?;
    let inventory_table = load_table(plan_dir, "inventory")?;
    let resources_table = load_table(plan_dir, "resources")?;
    let promises_table = load_table(plan_dir, "order_promises")?;
    let summary = read_summary(plan_dir)?;

    let mut checker = Checker::new(input);
    let lot_rows = parse_lots(&lots_table).map_err(unusable(plan_dir))?;
    checker.check_lots(&lot_rows);
    let inventory_rows = parse_inventory(&inventory_table).map_err(unusable(plan_dir))?;
    checker.check_inventory(&inventory_rows);
    let resource_rows = parse_resources(&resources_table).map_err(unusable(plan_dir))?;
    checker.check_resources(&resource_rows);
    let promise_rows = parse_promises(&promises_table).map_err(unusable(plan_dir))?;
    let on_time_rate = checker.check_promises(&promise_rows);
    let fill_rate = checker.fill_rate();
    let costs = checker.costs();
    let reported_objective = checker.check_summary(&summary, &costs, fill_rate, on_time_rate);
    Ok(CheckReport {
        violations: checker.violations,
        costs,
        objective: costs.total(),
        reported_objective,
        fill_rate,
        on_time_rate,
    })
}

// ---------------------------------------------------------------------------------------------
// Numbers and tolerances

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Formats a number for messages, without float noise such as `0.30000000000000004`.
fn fmt_num(value: f64) -> String {
    if !value.is_finite() || value.abs() >= 1e9 {
        return format!("{value}");
    }
    let rounded = (value * 1e9).round() / 1e9;
    if rounded == 0.0 {
        "0".to_string()
    } else {
        format!("{rounded}")
    }
}

/// The feasibility tolerance for terms of magnitude up to `scale`.
fn feasibility_tol(scale: f64) -> f64 {
    FEASIBILITY_ABS_TOL + FEASIBILITY_REL_TOL * scale.abs()
}

/// `a == b` within the feasibility tolerance at `scale`.
fn feasible_eq(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= feasibility_tol(scale.max(a.abs()).max(b.abs()))
}

/// `a == b` within the cost tolerance.
fn cost_eq(a: f64, b: f64) -> bool {
    (a - b).abs() <= COST_ABS_TOL + COST_REL_TOL * a.abs().max(b.abs())
}

// ---------------------------------------------------------------------------------------------
// Tables: a tiny CSV reader (and Parquet through polars), all cells as trimmed strings

/// One table of the plan folder, every cell as a trimmed string.
#[derive(Debug, Clone, PartialEq)]
struct Table {
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
fn load_table(dir: &Path, stem: &str) -> Result<Table> {
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

/// One row of `lots.csv`.
#[derive(Debug, Clone, PartialEq)]
struct LotRow {
    item: String,
    kind: String,
    period: i64,
    start_date: NaiveDate,
    available_period: i64,
    quantity: f64,
}

fn parse_lots(table: &Table) -> Result<Vec<LotRow>, Diagnostic> {
    let columns = Columns::new(table, &["item", "kind", "period", "start_date", "available_period", "quantity"])?;
    table
        .rows
        .iter()
        .map(|row| {
            let cells = columns.row(row);
            Ok(LotRow {
                item: cells.id("item")?,
                kind: cells.text("kind").to_string(),
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
struct InventoryValues {
    demand: f64,
    shipped: f64,
    inventory: f64,
    backlog: f64,
    safety_shortfall: f64,
}

#[derive(Debug, Clone, PartialEq)]
struct InventoryRow {
    item: String,
    period: i64,
    values: InventoryValues,
}

fn parse_inventory(table: &Table) -> Result<Vec<InventoryRow>, Diagnostic> {
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
struct ResourceValues {
    capacity: f64,
    run_time: f64,
    setup_time: f64,
    overtime: f64,
    utilization: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
struct ResourceRow {
    resource: String,
    period: i64,
    values: ResourceValues,
}

fn parse_resources(table: &Table) -> Result<Vec<ResourceRow>, Diagnostic> {
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

/// One row of `order_promises.csv`.
#[derive(Debug, Clone, PartialEq)]
struct PromiseRow {
    order_id: String,
    item: String,
    quantity: f64,
    due_period: i64,
    promised_period: Option<i64>,
    periods_late: Option<i64>,
}

fn parse_promises(table: &Table) -> Result<Vec<PromiseRow>, Diagnostic> {
    let columns =
        Columns::new(table, &["order_id", "item", "quantity", "due_period", "promised_period", "periods_late"])?;
    table
        .rows
        .iter()
        .map(|row| {
            let cells = columns.row(row);
            Ok(PromiseRow {
                order_id: cells.id("order_id")?,
                item: cells.text("item").to_string(),
                quantity: cells.number("quantity")?,
                due_period: cells.period("due_period")?,
                promised_period: cells.optional_period("promised_period")?,
                periods_late: cells.optional_period("periods_late")?,
            })
        })
        .collect()
}

/// What `summary.json` claims.
#[derive(Debug, Clone, PartialEq, Default)]
struct Summary {
    status: Option<String>,
    objective: Option<f64>,
    costs: BTreeMap<String, Option<f64>>,
    fill_rate: Option<f64>,
    on_time_rate: Option<f64>,
}

fn read_summary(dir: &Path) -> Result<Summary> {
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
    let number = |key: &str| object.get(key).map_or(Ok(None), |value| json_number(key, value));
    Ok(Summary {
        status,
        objective: number("objective")?,
        costs,
        fill_rate: number("fill_rate")?,
        on_time_rate: number("on_time_rate")?,
    })
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

// ---------------------------------------------------------------------------------------------
// Recomputation from the input

/// Demand `D[i][t]` (0-based t) and each order's 0-based due period (`None` beyond the horizon).
fn recompute_demand(input: &PlanInput) -> (Vec<Vec<f64>>, Vec<Option<usize>>) {
    let n_periods = input.n_periods();
    let mut firm = vec![vec![0.0; n_periods]; input.items.len()];
    let mut due_periods = Vec::with_capacity(input.orders.len());
    for order in &input.orders {
        let due = input.horizon.planned_period(order.due_date).filter(|t| *t < n_periods);
        if let Some(cell) = due.and_then(|t| firm.get_mut(order.item).and_then(|row| row.get_mut(t))) {
            *cell += order.quantity;
        }
        due_periods.push(due);
    }
    for entry in &input.forecast {
        if let Some(cell) = firm.get_mut(entry.item).and_then(|row| row.get_mut(entry.period)) {
            *cell = cell.max(entry.quantity);
        }
    }
    (firm, due_periods)
}

/// Scheduled receipts `R[i][t]`.
fn receipts_by_period(input: &PlanInput) -> Vec<Vec<f64>> {
    let mut receipts = vec![vec![0.0; input.n_periods()]; input.items.len()];
    for receipt in &input.receipts {
        if let Some(cell) = receipts.get_mut(receipt.item).and_then(|row| row.get_mut(receipt.period)) {
            *cell += receipt.quantity;
        }
    }
    receipts
}

/// `C[r,t]`, 0 where the input has no value.
fn capacity_of(input: &PlanInput, resource_idx: usize, t: usize) -> f64 {
    input.resources.get(resource_idx).and_then(|resource| resource.capacity.get(t)).copied().unwrap_or(0.0)
}

/// For each item as a component, the `(parent, quantity)` of the BOM edges consuming it.
fn consumers_by_component(input: &PlanInput) -> Vec<Vec<(usize, f64)>> {
    let mut consumers = vec![Vec::new(); input.items.len()];
    for edge in &input.bom {
        if let Some(list) = consumers.get_mut(edge.component) {
            list.push((edge.parent, edge.quantity));
        }
    }
    consumers
}

/// For each resource, the routings that load it.
fn routings_by_resource(input: &PlanInput) -> Vec<Vec<&Routing>> {
    let mut by_resource = vec![Vec::new(); input.resources.len()];
    for routing in &input.routings {
        if let Some(list) = by_resource.get_mut(routing.resource) {
            list.push(routing);
        }
    }
    by_resource
}

/// For each item, the sum of the setup costs of its routings (paid once per lot).
fn setup_cost_by_item(input: &PlanInput) -> Vec<f64> {
    let mut costs = vec![0.0; input.items.len()];
    for routing in &input.routings {
        if let Some(cost) = costs.get_mut(routing.item) {
            *cost += routing.setup_cost;
        }
    }
    costs
}

/// Converts a 1-based period from a file into a 0-based one, if it is in `1..=n_periods`.
fn zero_based(period: i64, n_periods: usize) -> Option<usize> {
    let t = usize::try_from(period).ok()?.checked_sub(1)?;
    (t < n_periods).then_some(t)
}

// ---------------------------------------------------------------------------------------------
// The checks

/// The state of one check: input, recomputed quantities, reported rows and violations.
struct Checker<'a> {
    input: &'a PlanInput,
    n_periods: usize,
    item_index: HashMap<&'a str, usize>,
    resource_index: HashMap<&'a str, usize>,
    /// For each component: the `(parent, quantity)` BOM edges that consume it.
    consumers: Vec<Vec<(usize, f64)>>,
    /// For each resource: the routings that load it.
    routings_by_resource: Vec<Vec<&'a Routing>>,
    /// For each item: the sum of its routings' setup costs.
    setup_cost_by_item: Vec<f64>,
    demand: Vec<Vec<f64>>,
    due_periods: Vec<Option<usize>>,
    receipts: Vec<Vec<f64>>,
    /// `x[i][t]`, summed over the lot rows.
    lots: Vec<Vec<f64>>,
    /// Reported inventory rows by `[item][t]`.
    inventory: Vec<Vec<Option<InventoryValues>>>,
    /// Reported resource rows by `[resource][t]`.
    resources: Vec<Vec<Option<ResourceValues>>>,
    violations: Vec<Violation>,
}

impl<'a> Checker<'a> {
    fn new(input: &'a PlanInput) -> Self {
        let n_periods = input.n_periods();
        let (demand, due_periods) = recompute_demand(input);
        Checker {
            input,
            n_periods,
            item_index: input.item_index_map(),
            resource_index: input.resources.iter().enumerate().map(|(idx, r)| (r.id.as_str(), idx)).collect(),
            consumers: consumers_by_component(input),
            routings_by_resource: routings_by_resource(input),
            setup_cost_by_item: setup_cost_by_item(input),
            demand,
            due_periods,
            receipts: receipts_by_period(input),
            lots: vec![vec![0.0; n_periods]; input.items.len()],
            inventory: vec![vec![None; n_periods]; input.items.len()],
            resources: vec![vec![None; n_periods]; input.resources.len()],
            violations: Vec::new(),
        }
    }

    /// Records a violation; `t` is 0-based and the message gets the subject and period prefix.
    fn report(&mut self, kind: ViolationKind, subject: &str, t: Option<usize>, amount: f64, detail: String) {
        let message = match t {
            Some(t) => format!("{subject} period {}: {detail}", t + 1),
            None => format!("{subject}: {detail}"),
        };
        self.violations.push(Violation {
            kind,
            subject: subject.to_string(),
            period: t.map(|t| t + 1),
            amount,
            message,
        });
    }

    /// Records a violation about a row whose period is given as written (maybe out of range).
    fn report_raw_period(&mut self, kind: ViolationKind, subject: &str, period: i64, amount: f64, detail: String) {
        let message = format!("{subject} period {period}: {detail}");
        let period = usize::try_from(period).ok();
        self.violations.push(Violation { kind, subject: subject.to_string(), period, amount, message });
    }

    fn lot(&self, item_idx: usize, t: usize) -> f64 {
        self.lots.get(item_idx).and_then(|row| row.get(t)).copied().unwrap_or(0.0)
    }

    /// `y[i,t]`: a lot of positive quantity exists.
    fn has_lot(&self, item_idx: usize, t: usize) -> bool {
        self.lot(item_idx, t) > 0.0
    }

    fn demand_of(&self, item_idx: usize, t: usize) -> f64 {
        self.demand.get(item_idx).and_then(|row| row.get(t)).copied().unwrap_or(0.0)
    }

    fn inventory_row(&self, item_idx: usize, t: usize) -> Option<InventoryValues> {
        self.inventory.get(item_idx).and_then(|row| row.get(t)).copied().flatten()
    }

    // ----- lots -----

    fn check_lots(&mut self, rows: &[LotRow]) {
        let mut seen = vec![vec![false; self.n_periods]; self.input.items.len()];
        for row in rows {
            let Some(&item_idx) = self.item_index.get(row.item.as_str()) else {
                let detail = "lot for an item that is not in items.csv".to_string();
                self.report_raw_period(ViolationKind::UnknownItem, &row.item, row.period, row.quantity, detail);
                continue;
            };
            self.check_lot_row(item_idx, row);
            let Some(t) = zero_based(row.period, self.n_periods) else {
                continue;
            };
            if let Some(flag) = seen.get_mut(item_idx).and_then(|flags| flags.get_mut(t)) {
                if *flag {
                    let detail = "more than one lot row in lots.csv".to_string();
                    self.report(ViolationKind::DuplicateRow, &row.item, Some(t), row.quantity, detail);
                }
                *flag = true;
            }
            if let Some(cell) = self.lots.get_mut(item_idx).and_then(|lots| lots.get_mut(t)) {
                *cell += row.quantity;
            }
        }
        self.check_lot_sizes();
    }

    /// Checks the columns of one lot row against the item and the horizon.
    fn check_lot_row(&mut self, item_idx: usize, row: &LotRow) {
        let input = self.input;
        let Some(item) = input.items.get(item_idx) else {
            return;
        };
        if row.kind != item.kind.as_str() {
            let detail = format!("lot kind {:?} but the item is {:?}", row.kind, item.kind.as_str());
            self.report_raw_period(ViolationKind::KindMismatch, &item.id, row.period, 0.0, detail);
        }
        if row.quantity <= 0.0 {
            let detail = format!("lot quantity {} is not positive", fmt_num(row.quantity));
            self.report_raw_period(ViolationKind::NonPositiveLot, &item.id, row.period, row.quantity.abs(), detail);
        }
        let lead_time = i64::try_from(item.lead_time).unwrap_or(i64::MAX);
        let expected_available = row.period.saturating_add(lead_time);
        if row.available_period != expected_available {
            let detail = format!(
                "available_period {} but period {} + lead time {} = {expected_available}",
                row.available_period, row.period, item.lead_time
            );
            let amount = row.available_period.abs_diff(expected_available) as f64;
            self.report_raw_period(ViolationKind::AvailablePeriod, &item.id, row.period, amount, detail);
        }
        let Some(t) = zero_based(row.period, self.n_periods) else {
            let detail = format!("lot period {} is outside 1..{}", row.period, self.n_periods);
            self.report_raw_period(ViolationKind::PeriodOutOfRange, &item.id, row.period, row.quantity, detail);
            return;
        };
        let last_start = self.n_periods.saturating_sub(item.lead_time);
        if t + 1 > last_start {
            let detail = format!(
                "lot of {} with lead time {} would arrive in period {} after the {}-period horizon (last start period {last_start})",
                fmt_num(row.quantity),
                item.lead_time,
                (t + 1).saturating_add(item.lead_time),
                self.n_periods
            );
            self.report(ViolationKind::LotAfterHorizon, &item.id, Some(t), row.quantity, detail);
        }
        let expected_start = input.horizon.period_start(t);
        if expected_start != Some(row.start_date) {
            let expected = expected_start.map_or_else(|| "out of range".to_string(), |date| date.to_string());
            let detail = format!("start_date {} but period {} starts on {expected}", row.start_date, t + 1);
            self.report(ViolationKind::StartDate, &item.id, Some(t), 0.0, detail);
        }
    }

    /// Checks `min_lot`, `max_lot` and `lot_multiple` on every lot `x[i,t] > 0`.
    fn check_lot_sizes(&mut self) {
        let input = self.input;
        for (item_idx, item) in input.items.iter().enumerate() {
            for t in 0..self.n_periods {
                let quantity = self.lot(item_idx, t);
                if quantity <= 0.0 {
                    continue;
                }
                if quantity < item.min_lot - feasibility_tol(item.min_lot) {
                    let detail = format!("lot of {} is below min_lot {}", fmt_num(quantity), fmt_num(item.min_lot));
                    self.report(ViolationKind::MinLot, &item.id, Some(t), item.min_lot - quantity, detail);
                }
                if let Some(max_lot) = item.max_lot {
                    if quantity > max_lot + feasibility_tol(max_lot) {
                        let detail = format!("lot of {} is above max_lot {}", fmt_num(quantity), fmt_num(max_lot));
                        self.report(ViolationKind::MaxLot, &item.id, Some(t), quantity - max_lot, detail);
                    }
                }
                if let Some(multiple) = item.lot_multiple.filter(|m| *m > 0.0) {
                    let ratio = quantity / multiple;
                    let off = (ratio - ratio.round()).abs();
                    if off > LOT_MULTIPLE_TOL {
                        let detail = format!(
                            "lot of {} is not a multiple of lot_multiple {} ({} lots of it)",
                            fmt_num(quantity),
                            fmt_num(multiple),
                            fmt_num(ratio)
                        );
                        self.report(ViolationKind::LotMultiple, &item.id, Some(t), off * multiple, detail);
                    }
                }
            }
        }
    }

    // ----- inventory -----

    fn check_inventory(&mut self, rows: &[InventoryRow]) {
        for row in rows {
            let Some(&item_idx) = self.item_index.get(row.item.as_str()) else {
                let detail = "inventory row for an item that is not in items.csv".to_string();
                self.report_raw_period(ViolationKind::UnknownItem, &row.item, row.period, 0.0, detail);
                continue;
            };
            let Some(t) = zero_based(row.period, self.n_periods) else {
                let detail = format!("inventory row period {} is outside 1..{}", row.period, self.n_periods);
                self.report_raw_period(ViolationKind::PeriodOutOfRange, &row.item, row.period, 0.0, detail);
                continue;
            };
            let Some(slot) = self.inventory.get_mut(item_idx).and_then(|cells| cells.get_mut(t)) else {
                continue;
            };
            if slot.is_some() {
                let detail = "more than one row in inventory.csv".to_string();
                self.report(ViolationKind::DuplicateRow, &row.item, Some(t), 0.0, detail);
                continue;
            }
            *slot = Some(row.values);
        }
        let input = self.input;
        for (item_idx, item) in input.items.iter().enumerate() {
            let has_demand = (0..self.n_periods).any(|t| self.demand_of(item_idx, t) > 0.0);
            for t in 0..self.n_periods {
                let Some(values) = self.inventory_row(item_idx, t) else {
                    let detail = "no row in inventory.csv".to_string();
                    self.report(ViolationKind::MissingRow, &item.id, Some(t), 0.0, detail);
                    continue;
                };
                self.check_inventory_values(item_idx, t, &values, has_demand);
            }
        }
    }

    /// Checks one inventory row: demand, signs, balance, backlog, safety stock.
    fn check_inventory_values(&mut self, item_idx: usize, t: usize, values: &InventoryValues, has_demand: bool) {
        let input = self.input;
        let Some(item) = input.items.get(item_idx) else {
            return;
        };
        let expected_demand = self.demand_of(item_idx, t);
        if !feasible_eq(values.demand, expected_demand, 0.0) {
            let detail =
                format!("demand {} but orders and forecast give {}", fmt_num(values.demand), fmt_num(expected_demand));
            self.report(ViolationKind::Demand, &item.id, Some(t), (values.demand - expected_demand).abs(), detail);
        }
        let signed = [
            ("shipped", values.shipped),
            ("inventory", values.inventory),
            ("backlog", values.backlog),
            ("safety_shortfall", values.safety_shortfall),
        ];
        for (name, value) in signed {
            if value < -feasibility_tol(0.0) {
                let detail = format!("{name} {} is negative", fmt_num(value));
                self.report(ViolationKind::Negative, &item.id, Some(t), -value, detail);
            }
        }
        self.check_balance(item_idx, t, values);
        self.check_backlog(item_idx, t, values, has_demand);
        let shortfall_needed = item.safety_stock - values.inventory;
        if item.safety_stock > 0.0
            && values.safety_shortfall
                < shortfall_needed - feasibility_tol(item.safety_stock.max(values.inventory.abs()))
        {
            let detail = format!(
                "inventory {} + safety shortfall {} is below safety stock {}",
                fmt_num(values.inventory),
                fmt_num(values.safety_shortfall),
                fmt_num(item.safety_stock)
            );
            let amount = shortfall_needed - values.safety_shortfall;
            self.report(ViolationKind::SafetyShortfall, &item.id, Some(t), amount, detail);
        }
    }

    /// Constraint 1: `I[t] = I[t-1] + x[t-L] + R[t] - sum_p a[i,p] x[p,t] - F[t]`.
    fn check_balance(&mut self, item_idx: usize, t: usize, values: &InventoryValues) {
        let input = self.input;
        let Some(item) = input.items.get(item_idx) else {
            return;
        };
        let on_hand = if t == 0 {
            item.initial_inventory
        } else {
            match self.inventory_row(item_idx, t - 1) {
                Some(previous) => previous.inventory,
                None => return,
            }
        };
        let arriving_lot = t.checked_sub(item.lead_time).map_or(0.0, |start| self.lot(item_idx, start));
        let receipt = self.receipts.get(item_idx).and_then(|row| row.get(t)).copied().unwrap_or(0.0);
        let arriving = arriving_lot + receipt;
        let used: f64 = self
            .consumers
            .get(item_idx)
            .into_iter()
            .flatten()
            .map(|(parent_idx, quantity)| quantity * self.lot(*parent_idx, t))
            .sum();
        let expected = on_hand + arriving - used - values.shipped;
        let scale = [on_hand, arriving, used, values.shipped, values.inventory]
            .iter()
            .fold(0.0_f64, |acc, value| acc.max(value.abs()));
        // Each parent lot is written rounded to 1e-6, and its rounding is multiplied by the
        // BOM quantity in `used`.
        let rounding: f64 = self
            .consumers
            .get(item_idx)
            .into_iter()
            .flatten()
            .filter(|(parent_idx, _)| self.lot(*parent_idx, t) > 0.0)
            .map(|(_, quantity)| WRITTEN_ROUNDING * quantity.abs())
            .sum();
        if (values.inventory - expected).abs() > feasibility_tol(scale) + rounding {
            let detail = format!(
                "inventory balance off by {} (reported {}, expected {} = {} on hand + {} arriving - {} used - {} shipped)",
                fmt_num(values.inventory - expected),
                fmt_num(values.inventory),
                fmt_num(expected),
                fmt_num(on_hand),
                fmt_num(arriving),
                fmt_num(used),
                fmt_num(values.shipped)
            );
            self.report(ViolationKind::Balance, &item.id, Some(t), (values.inventory - expected).abs(), detail);
        }
    }

    /// Constraint 2 and the rules on items without demand or without a backlog cost.
    fn check_backlog(&mut self, item_idx: usize, t: usize, values: &InventoryValues, has_demand: bool) {
        let input = self.input;
        let Some(item) = input.items.get(item_idx) else {
            return;
        };
        if !has_demand {
            let off = values.shipped.abs().max(values.backlog.abs());
            if off > feasibility_tol(0.0) {
                let detail = format!(
                    "shipped {} and backlog {} but the item has no demand (both must be 0)",
                    fmt_num(values.shipped),
                    fmt_num(values.backlog)
                );
                self.report(ViolationKind::NoDemand, &item.id, Some(t), off, detail);
            }
            return;
        }
        if item.backlog_cost.is_none() && values.backlog.abs() > feasibility_tol(0.0) {
            let detail = format!(
                "backlog {} but the item has no backlog_cost (late shipment not allowed)",
                fmt_num(values.backlog)
            );
            self.report(ViolationKind::BacklogNotAllowed, &item.id, Some(t), values.backlog.abs(), detail);
        }
        let previous = if t == 0 {
            0.0
        } else {
            match self.inventory_row(item_idx, t - 1) {
                Some(previous) => previous.backlog,
                None => return,
            }
        };
        let demand = self.demand_of(item_idx, t);
        let expected = previous + demand - values.shipped;
        let scale =
            [previous, demand, values.shipped, values.backlog].iter().fold(0.0_f64, |acc, value| acc.max(value.abs()));
        if !feasible_eq(values.backlog, expected, scale) {
            let detail = format!(
                "backlog off by {} (reported {}, expected {} = {} backlog before + {} demand - {} shipped)",
                fmt_num(values.backlog - expected),
                fmt_num(values.backlog),
                fmt_num(expected),
                fmt_num(previous),
                fmt_num(demand),
                fmt_num(values.shipped)
            );
            self.report(ViolationKind::Backlog, &item.id, Some(t), (values.backlog - expected).abs(), detail);
        }
    }

    // ----- resources -----

    fn check_resources(&mut self, rows: &[ResourceRow]) {
        let input = self.input;
        for row in rows {
            let Some(&resource_idx) = self.resource_index.get(row.resource.as_str()) else {
                let detail = "row for a resource that is not in resources.csv of the input".to_string();
                self.report_raw_period(ViolationKind::UnknownResource, &row.resource, row.period, 0.0, detail);
                continue;
            };
            let Some(t) = zero_based(row.period, self.n_periods) else {
                let detail = format!("resource row period {} is outside 1..{}", row.period, self.n_periods);
                self.report_raw_period(ViolationKind::PeriodOutOfRange, &row.resource, row.period, 0.0, detail);
                continue;
            };
            let Some(slot) = self.resources.get_mut(resource_idx).and_then(|cells| cells.get_mut(t)) else {
                continue;
            };
            if slot.is_some() {
                let detail = "more than one row in resources.csv".to_string();
                self.report(ViolationKind::DuplicateRow, &row.resource, Some(t), 0.0, detail);
                continue;
            }
            *slot = Some(row.values);
        }
        for (resource_idx, resource) in input.resources.iter().enumerate() {
            for t in 0..self.n_periods {
                let (run_time, setup_time) = self.load(resource_idx, t);
                let capacity = capacity_of(input, resource_idx, t);
                let needed = (run_time + setup_time - capacity).max(0.0);
                if needed > resource.overtime_max + feasibility_tol(run_time + setup_time) {
                    let detail = format!(
                        "load {} (run {} + setup {}) exceeds capacity {} + overtime_max {} by {}",
                        fmt_num(run_time + setup_time),
                        fmt_num(run_time),
                        fmt_num(setup_time),
                        fmt_num(capacity),
                        fmt_num(resource.overtime_max),
                        fmt_num(needed - resource.overtime_max)
                    );
                    let amount = needed - resource.overtime_max;
                    self.report(ViolationKind::CapacityExceeded, &resource.id, Some(t), amount, detail);
                }
                let row = self.resources.get(resource_idx).and_then(|cells| cells.get(t)).copied().flatten();
                let Some(values) = row else {
                    let detail = "no row in resources.csv".to_string();
                    self.report(ViolationKind::MissingRow, &resource.id, Some(t), 0.0, detail);
                    continue;
                };
                let load = ResourceLoad { run_time, setup_time, capacity, needed };
                self.check_resource_row(resource_idx, t, &values, &load);
            }
        }
    }

    /// `(sum u * x, sum s * y)` on resource `r` in period `t`, from the lots.
    fn load(&self, resource_idx: usize, t: usize) -> (f64, f64) {
        let mut run_time = 0.0;
        let mut setup_time = 0.0;
        for routing in self.routings_by_resource.get(resource_idx).into_iter().flatten() {
            run_time += routing.unit_time * self.lot(routing.item, t);
            if self.has_lot(routing.item, t) {
                setup_time += routing.setup_time;
            }
        }
        (run_time, setup_time)
    }

    /// Compares one `resources.csv` row with the recomputed load.
    fn check_resource_row(&mut self, resource_idx: usize, t: usize, values: &ResourceValues, load: &ResourceLoad) {
        let input = self.input;
        let Some(resource) = input.resources.get(resource_idx) else {
            return;
        };
        let id = resource.id.as_str();
        let compared = [
            (ViolationKind::RunTime, "run_time", values.run_time, load.run_time, "sum of unit_time x lot"),
            (ViolationKind::SetupTime, "setup_time", values.setup_time, load.setup_time, "sum of setup_time per lot"),
            (ViolationKind::Capacity, "capacity", values.capacity, load.capacity, "capacity of the input"),
        ];
        for (kind, name, reported, expected, what) in compared {
            if !feasible_eq(reported, expected, 0.0) {
                let detail = format!("{name} {} but the {what} is {}", fmt_num(reported), fmt_num(expected));
                self.report(kind, id, Some(t), (reported - expected).abs(), detail);
            }
        }
        let tol = feasibility_tol(load.run_time + load.setup_time);
        if values.overtime < load.needed - tol {
            let detail = format!(
                "overtime {} but the load {} over capacity {} needs {}",
                fmt_num(values.overtime),
                fmt_num(load.run_time + load.setup_time),
                fmt_num(load.capacity),
                fmt_num(load.needed)
            );
            self.report(ViolationKind::Overtime, id, Some(t), load.needed - values.overtime, detail);
        } else if values.overtime < -tol || values.overtime > resource.overtime_max + tol {
            let detail = format!(
                "overtime {} is outside 0..overtime_max {}",
                fmt_num(values.overtime),
                fmt_num(resource.overtime_max)
            );
            let amount = (values.overtime - resource.overtime_max).max(-values.overtime);
            self.report(ViolationKind::Overtime, id, Some(t), amount, detail);
        }
        self.check_utilization(id, t, values);
    }

    /// `utilization = (run_time + setup_time) / capacity` of the row itself, empty when capacity is 0.
    fn check_utilization(&mut self, id: &str, t: usize, values: &ResourceValues) {
        let used = values.run_time + values.setup_time;
        let expected = (values.capacity != 0.0).then(|| used / values.capacity);
        let consistent = match (values.utilization, expected) {
            (None, None) => true,
            // Compared as a ratio: the planner writes every number rounded to 1e-6, so a
            // written ratio is within 1e-6 of the exact one (in time units the rounding
            // error would grow with the capacity).
            (Some(reported), Some(expected)) => feasible_eq(reported, expected, 0.0),
            _ => false,
        };
        if !consistent {
            let show = |value: Option<f64>| value.map_or_else(|| "empty".to_string(), fmt_num);
            let detail = format!(
                "utilization {} but (run_time + setup_time) / capacity = {}",
                show(values.utilization),
                show(expected)
            );
            let amount = match (values.utilization, expected) {
                (Some(reported), Some(expected)) => (reported - expected).abs(),
                _ => 0.0,
            };
            self.report(ViolationKind::Utilization, id, Some(t), amount, detail);
        }
    }

    // ----- order promises -----

    /// Checks `order_promises.csv` against the recomputed FIFO allocation; returns the
    /// recomputed on-time rate.
    fn check_promises(&mut self, rows: &[PromiseRow]) -> f64 {
        let shipped: Vec<Vec<f64>> = (0..self.input.items.len())
            .map(|item_idx| {
                (0..self.n_periods)
                    .map(|t| self.inventory_row(item_idx, t).map_or(0.0, |values| values.shipped))
                    .collect()
            })
            .collect();
        let promised = allocate_promises(self.input, &self.due_periods, &shipped);
        let order_index: HashMap<&str, usize> =
            self.input.orders.iter().enumerate().map(|(idx, order)| (order.id.as_str(), idx)).collect();
        let mut seen = vec![false; self.input.orders.len()];
        for row in rows {
            let planned = order_index
                .get(row.order_id.as_str())
                .copied()
                .filter(|idx| self.due_periods.get(*idx).copied().flatten().is_some());
            let Some(order_idx) = planned else {
                let detail = "promise for an order that is not planned (unknown or due beyond the horizon)";
                self.report(ViolationKind::UnknownOrder, &row.order_id, None, row.quantity, detail.to_string());
                continue;
            };
            let Some(flag) = seen.get_mut(order_idx) else {
                continue;
            };
            if *flag {
                let detail = "more than one row in order_promises.csv".to_string();
                self.report(ViolationKind::DuplicateRow, &row.order_id, None, 0.0, detail);
                continue;
            }
            *flag = true;
            let expected = promised.get(order_idx).copied().flatten();
            self.check_promise_row(order_idx, row, expected);
        }
        let mut planned_orders = 0_usize;
        let mut on_time = 0_usize;
        let input = self.input;
        for (order_idx, order) in input.orders.iter().enumerate() {
            let Some(due) = self.due_periods.get(order_idx).copied().flatten() else {
                continue;
            };
            planned_orders += 1;
            if promised.get(order_idx).copied().flatten() == Some(due) {
                on_time += 1;
            }
            if !seen.get(order_idx).copied().unwrap_or(true) {
                let detail = "no row in order_promises.csv".to_string();
                self.report(ViolationKind::MissingRow, &order.id, Some(due), order.quantity, detail);
            }
        }
        if planned_orders == 0 {
            1.0
        } else {
            on_time as f64 / planned_orders as f64
        }
    }

    /// Compares one promise row with the order and its recomputed promised period (0-based).
    fn check_promise_row(&mut self, order_idx: usize, row: &PromiseRow, expected: Option<usize>) {
        let input = self.input;
        let Some(order) = input.orders.get(order_idx) else {
            return;
        };
        let Some(due) = self.due_periods.get(order_idx).copied().flatten() else {
            return;
        };
        let item_id = input.items.get(order.item).map_or("", |item| item.id.as_str());
        let expected_promised = expected.map(|t| t as i64 + 1);
        let expected_late = expected.map(|t| t as i64 - due as i64);
        let mut problems = Vec::new();
        if row.item != item_id {
            problems.push(format!("item {:?} but the order is for {item_id:?}", row.item));
        }
        if !feasible_eq(row.quantity, order.quantity, 0.0) {
            problems.push(format!(
                "quantity {} but the order is for {}",
                fmt_num(row.quantity),
                fmt_num(order.quantity)
            ));
        }
        if row.due_period != due as i64 + 1 {
            problems.push(format!("due_period {} but the order is due in period {}", row.due_period, due + 1));
        }
        let show = |period: Option<i64>| period.map_or_else(|| "empty".to_string(), |p| p.to_string());
        if row.promised_period != expected_promised {
            problems.push(format!(
                "promised_period {} but shipping the reported quantities earliest due first serves it {}",
                show(row.promised_period),
                expected_promised.map_or_else(|| "not within the horizon".to_string(), |p| format!("in period {p}"))
            ));
        }
        if row.periods_late != expected_late {
            problems.push(format!("periods_late {} but expected {}", show(row.periods_late), show(expected_late)));
        }
        if !problems.is_empty() {
            let amount = match (row.promised_period, expected_promised) {
                (Some(reported), Some(expected)) => reported.abs_diff(expected) as f64,
                _ => 0.0,
            };
            let detail = format!("order of {} {item_id}: {}", fmt_num(order.quantity), problems.join("; "));
            self.report(ViolationKind::Promise, &order.id, Some(due), amount, detail);
        }
    }

    // ----- costs and summary -----

    fn fill_rate(&self) -> f64 {
        let total_demand: f64 = self.demand.iter().flatten().sum();
        if total_demand <= 0.0 {
            return 1.0;
        }
        let total_shipped: f64 = self.inventory.iter().flatten().flatten().map(|values| values.shipped).sum();
        total_shipped / total_demand
    }

    /// Every term of the objective, from the plan's reported quantities.
    fn costs(&self) -> CostBreakdown {
        let input = self.input;
        let mut costs = CostBreakdown::default();
        for (item_idx, item) in input.items.iter().enumerate() {
            let setup_cost = self.setup_cost_by_item.get(item_idx).copied().unwrap_or(0.0);
            for t in 0..self.n_periods {
                costs.unit += item.unit_cost * self.lot(item_idx, t);
                if self.has_lot(item_idx, t) {
                    costs.ordering += item.order_cost;
                    costs.setup += setup_cost;
                }
                if let Some(values) = self.inventory_row(item_idx, t) {
                    costs.holding += item.holding_cost * values.inventory;
                    costs.backlog += item.backlog_cost.unwrap_or(0.0) * values.backlog;
                    costs.safety_stock += item.safety_stock_penalty * values.safety_shortfall;
                }
            }
        }
        for (resource_idx, resource) in input.resources.iter().enumerate() {
            for values in self.resources.get(resource_idx).into_iter().flatten().flatten() {
                costs.overtime += resource.overtime_cost * values.overtime;
            }
        }
        costs
    }

    /// Compares `summary.json` with the recomputation; returns the reported objective.
    fn check_summary(
        &mut self,
        summary: &Summary,
        costs: &CostBreakdown,
        fill_rate: f64,
        on_time_rate: f64,
    ) -> Option<f64> {
        match summary.status.as_deref() {
            Some("optimal" | "feasible") => {}
            Some(other) => {
                let detail = format!("status {other:?}: a written plan must be \"optimal\" or \"feasible\"");
                self.report(ViolationKind::Status, "status", None, 0.0, detail);
            }
            None => {
                self.report(ViolationKind::SummaryField, "status", None, 0.0, "missing in summary.json".to_string())
            }
        }
        for (name, expected) in costs.terms() {
            match summary.costs.get(name).copied().flatten() {
                Some(reported) => self.compare_claim(ViolationKind::Cost, name, reported, expected, "cost"),
                None => {
                    let detail = format!("costs.{name} missing in summary.json (recomputed {})", fmt_num(expected));
                    self.report(ViolationKind::SummaryField, name, None, expected.abs(), detail);
                }
            }
        }
        let claims = [
            (ViolationKind::Objective, "objective", summary.objective, costs.total()),
            (ViolationKind::FillRate, "fill_rate", summary.fill_rate, fill_rate),
            (ViolationKind::OnTimeRate, "on_time_rate", summary.on_time_rate, on_time_rate),
        ];
        for (kind, name, reported, expected) in claims {
            match reported {
                Some(reported) => self.compare_claim(kind, name, reported, expected, "value"),
                None => {
                    let detail = format!("missing in summary.json (recomputed {})", fmt_num(expected));
                    self.report(ViolationKind::SummaryField, name, None, expected.abs(), detail);
                }
            }
        }
        summary.objective
    }

    fn compare_claim(&mut self, kind: ViolationKind, name: &str, reported: f64, expected: f64, what: &str) {
        if !cost_eq(reported, expected) {
            let detail = format!(
                "summary.json says {} but the plan's {what} recomputes to {} (difference {})",
                fmt_num(reported),
                fmt_num(expected),
                fmt_num(reported - expected)
            );
            self.report(kind, name, None, (reported - expected).abs(), detail);
        }
    }
}

/// Recomputed load of one resource in one period.
struct ResourceLoad {
    run_time: f64,
    setup_time: f64,
    capacity: f64,
    needed: f64,
}

/// The 0-based period in which each order's last unit is served, `None` when it is not fully
/// served within the horizon or not planned.
///
/// Each item's shipments `shipped[i][t]` go to its planned firm orders earliest due first
/// (ties by order id, byte order): in period `t` only orders already due (`due <= t`) are
/// served; whatever is left serves forecast-only demand and is not carried over.
fn allocate_promises(input: &PlanInput, due_periods: &[Option<usize>], shipped: &[Vec<f64>]) -> Vec<Option<usize>> {
    let mut promised = vec![None; input.orders.len()];
    let mut queues: BTreeMap<usize, Vec<(usize, &str, usize)>> = BTreeMap::new();
    for (order_idx, order) in input.orders.iter().enumerate() {
        if let Some(due) = due_periods.get(order_idx).copied().flatten() {
            queues.entry(order.item).or_default().push((due, order.id.as_str(), order_idx));
        }
    }
    for (item_idx, mut queue) in queues {
        queue.sort_by(|a, b| (a.0, a.1.as_bytes()).cmp(&(b.0, b.1.as_bytes())));
        let mut remaining: Vec<f64> =
            queue.iter().map(|(_, _, order_idx)| input.orders.get(*order_idx).map_or(0.0, |o| o.quantity)).collect();
        let mut next = 0;
        let item_shipped = shipped.get(item_idx).map_or(&[][..], Vec::as_slice);
        for (t, shipped_now) in item_shipped.iter().enumerate() {
            let mut available = *shipped_now;
            while let (Some(&(due, _, order_idx)), Some(left)) = (queue.get(next), remaining.get_mut(next)) {
                if due > t {
                    break;
                }
                let quantity = input.orders.get(order_idx).map_or(0.0, |o| o.quantity);
                if *left > feasibility_tol(quantity) && available > 0.0 {
                    let take = left.min(available);
                    *left -= take;
                    available -= take;
                }
                if *left > feasibility_tol(quantity) {
                    break;
                }
                if let Some(slot) = promised.get_mut(order_idx) {
                    *slot = Some(t);
                }
                next += 1;
            }
        }
    }
    promised
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Bucket, Horizon, Item, ItemKind, Order};

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

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
    fn fmt_num_hides_float_noise() {
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(12.5), "12.5");
    }

    /// One item, weekly buckets from Monday 2026-01-05, 3 periods.
    fn allocation_input() -> PlanInput {
        let order = |id: &str, quantity: f64, due: &str| Order {
            id: id.to_string(),
            item: 0,
            quantity,
            due_date: date(due),
            market: None,
        };
        PlanInput {
            items: vec![Item::new("A", ItemKind::Buy)],
            orders: vec![
                order("B", 4.0, "2026-01-13"),  // due period 2
                order("A2", 4.0, "2026-01-12"), // due period 2, before "B" by id
                order("P", 3.0, "2025-12-01"),  // past due: period 1
                order("L", 5.0, "2026-01-19"),  // due period 3
                order("X", 1.0, "2026-02-01"),  // beyond the horizon (ends 2026-01-26)
            ],
            ..PlanInput::new(Horizon { start: date("2026-01-05"), bucket: Bucket::Week, periods: 3 })
        }
    }

    #[test]
    fn fifo_allocation_matches_a_hand_worked_example() {
        let input = allocation_input();
        let (demand, due) = recompute_demand(&input);
        assert_eq!(demand, vec![vec![3.0, 8.0, 5.0]]);
        assert_eq!(due, vec![Some(1), Some(1), Some(0), Some(2), None]);
        // Shipped 2, 6, 9. Period 1: P gets 2 (1 left). Period 2: P gets 1 (served in 2),
        // A2 gets 4 (served in 2), B gets 1 (3 left). Period 3: B gets 3 (served in 3),
        // L gets 5 (served in 3), 1 unit left for forecast.
        let promised = allocate_promises(&input, &due, &[vec![2.0, 6.0, 9.0]]);
        assert_eq!(promised, vec![Some(2), Some(1), Some(1), Some(2), None]);
        // Short shipments: L is never fully served, and shipments before an order is due
        // never serve it.
        let promised = allocate_promises(&input, &due, &[vec![3.0, 8.0, 4.9]]);
        assert_eq!(promised, vec![Some(1), Some(1), Some(0), None, None]);
        // Rounding noise below the tolerance still counts as served.
        let promised = allocate_promises(&input, &due, &[vec![2.9999999, 8.0, 5.0]]);
        assert_eq!(promised, vec![Some(1), Some(1), Some(0), Some(2), None]);
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
}
