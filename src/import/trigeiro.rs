//! Trigeiro, Thomas & McClain (1989) capacitated lot-sizing instances with setup times.
//!
//! # File format (whitespace separated, read line by line)
//!
//! ```text
//! N T                 items, periods
//! 1                   a unit production cost (see "Objective convention")
//! C                   capacity of the single resource, every period
//! b h st sc           N lines: unit time, holding cost, setup time, setup cost
//! d ...               demand: T rows x at most 15 item columns, then T rows for items 16..
//! Bi hi su su ...     a text trailer (column legend, X files add PSIZE,CV,... values)
//! ```
//!
//! Quirks handled: CRLF line ends, tabs, a DOS end-of-file byte (0x1A) followed by NUL padding,
//! floats written as `17.`, and the 15-column demand blocks of the 20-, 24- and 30-item files.
//!
//! # Mapping to a plan directory
//!
//! One `make` item per product (`P01`, `P02`, ...) with `holding_cost = h`, no backlog (demand
//! must be met on time), no initial inventory; one resource `R` with capacity `C` in every
//! period; one routing per item with `unit_time = b`, `setup_time = st`, `setup_cost = sc`; one
//! order per item and period with positive demand, due on that period's first day. Weekly
//! buckets from [`HORIZON_START`].
//!
//! # Objective convention
//!
//! The published values (Belvaux & Wolsey 2000, LOTSIZELIB `tr*`) are
//! `Σ sc·y + h·s` and EXCLUDE production cost: the file's second line (always `1`) would only
//! add the constant `Σ d` to every plan. The importer therefore sets `unit_cost = 0` and keeps
//! the value in [`TrigeiroInstance::unit_cost_field`] for reference.

use crate::error::{Error, Result};
use crate::input::{Bucket, Horizon, Item, ItemKind, PlanInput, Resource, Routing};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// First day of period 1 in imported plans (a Monday).
pub const HORIZON_START: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 5) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Demand columns per block in the files.
const BLOCK_WIDTH: usize = 15;

/// Upper limit on items and periods, so that a corrupt header cannot exhaust memory.
const MAX_DIMENSION: usize = 10_000;

/// One product of a Trigeiro instance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrigeiroItem {
    /// Capacity used per unit produced (`b_i`).
    pub unit_time: f64,
    /// Holding cost per unit per period (`h_i`).
    pub holding_cost: f64,
    /// Capacity used by a setup (`st_i`).
    pub setup_time: f64,
    /// Cost of a setup (`sc_i`).
    pub setup_cost: f64,
}

/// A parsed Trigeiro instance.
#[derive(Debug, Clone, PartialEq)]
pub struct TrigeiroInstance {
    /// Instance name (the file stem, e.g. `G30`).
    pub name: String,
    /// Number of periods `T`.
    pub n_periods: usize,
    /// The file's second line (always 1): a unit production cost the published objective
    /// values exclude; not carried into the plan.
    pub unit_cost_field: f64,
    /// Capacity per period.
    pub capacity: f64,
    /// The products.
    pub items: Vec<TrigeiroItem>,
    /// Demand, indexed `item * T + t` (0-based period).
    pub demand: Vec<f64>,
}

impl TrigeiroInstance {
    /// Number of products `N`.
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    /// Demand of `item_idx` in 0-based period `t` (0 when out of range).
    pub fn demand_at(&self, item_idx: usize, t: usize) -> f64 {
        if t >= self.n_periods {
            return 0.0;
        }
        self.demand.get(item_idx * self.n_periods + t).copied().unwrap_or(0.0)
    }

    /// The same instance with every unit time set to `unit_time` (LOTSIZELIB `tr6-15` is G30
    /// with unit times 1).
    pub fn with_unit_times(mut self, unit_time: f64) -> Self {
        for item in &mut self.items {
            item.unit_time = unit_time;
        }
        self
    }

    /// The instance as a plan (see the module docs for the mapping).
    pub fn to_plan_input(&self) -> PlanInput {
        let n_periods = self.n_periods;
        let horizon = Horizon { start: HORIZON_START, bucket: Bucket::Week, periods: n_periods };
        let items: Vec<Item> = self
            .items
            .iter()
            .enumerate()
            .map(|(item_idx, data)| {
                let mut item = Item::new(item_id(item_idx), ItemKind::Make);
                item.holding_cost = data.holding_cost;
                item
            })
            .collect();
        let routings = self
            .items
            .iter()
            .enumerate()
            .map(|(item_idx, data)| Routing::new(item_idx, 0, data.unit_time, data.setup_time, data.setup_cost))
            .collect();
        let orders = super::orders_from_demand(&horizon, self.n_items(), |item, t| self.demand_at(item, t));
        PlanInput {
            items,
            resources: vec![Resource {
                id: "R".to_string(),
                capacity: vec![self.capacity; n_periods],
                overtime_max: 0.0,
                overtime_cost: 0.0,
            }],
            routings,
            orders,
            ..PlanInput::new(horizon)
        }
    }
}

pub use super::item_id;

/// Reads and parses a Trigeiro `.DAT` file.
pub fn read_trigeiro(path: &Path) -> Result<TrigeiroInstance> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    parse(&bytes, &name).map_err(|(line, message)| Error::Format { path: path.to_path_buf(), line, message })
}

/// Reads `file` and writes it as a plan directory in `out_dir`; returns the plan.
pub fn import_trigeiro(file: &Path, out_dir: &Path) -> Result<PlanInput> {
    let instance = read_trigeiro(file)?;
    let input = instance.to_plan_input();
    crate::input::write::write_plan_dir(&input, out_dir)?;
    Ok(input)
}

/// A line of numbers, with its 1-based line number.
pub(super) struct NumberLine {
    pub(super) line: usize,
    pub(super) values: Vec<f64>,
}

/// Parses the bytes of a Trigeiro file; `name` is the instance's name and the file an error
/// names ([`Error::Format`]).
pub fn parse_trigeiro(bytes: &[u8], name: &str) -> Result<TrigeiroInstance> {
    parse(bytes, name).map_err(|(line, message)| Error::Format { path: name.into(), line, message })
}

/// [`parse_trigeiro`] with errors as `(1-based line, message)`.
fn parse(bytes: &[u8], name: &str) -> Result<TrigeiroInstance, (usize, String)> {
    let lines = numeric_lines(bytes)?;
    let mut lines = lines.into_iter();
    let mut next = |what: &str, width: usize| -> Result<NumberLine, (usize, String)> {
        let line = lines.next().ok_or((0, format!("the file ends before the {what}")))?;
        if line.values.len() != width {
            return Err((line.line, format!("expected {width} number(s) for the {what}, found {}", line.values.len())));
        }
        Ok(line)
    };
    let header = next("header `N T`", 2)?;
    let n_items = dimension(header.values[0], header.line, "number of items")?;
    let n_periods = dimension(header.values[1], header.line, "number of periods")?;
    let unit_cost_field = next("unit cost line", 1)?.values[0];
    let capacity_line = next("capacity line", 1)?;
    let capacity = non_negative(capacity_line.values[0], capacity_line.line, "capacity")?;
    let mut items = Vec::with_capacity(n_items);
    for item_idx in 0..n_items {
        let line = next(&format!("data of item {}", item_idx + 1), 4)?;
        let mut fields = [0.0; 4];
        for (field, (&value, what)) in
            fields.iter_mut().zip(line.values.iter().zip(["unit time", "holding cost", "setup time", "setup cost"]))
        {
            *field = non_negative(value, line.line, what)?;
        }
        items.push(TrigeiroItem {
            unit_time: fields[0],
            holding_cost: fields[1],
            setup_time: fields[2],
            setup_cost: fields[3],
        });
    }
    let mut demand = vec![0.0; n_items * n_periods];
    let mut first_item = 0;
    while first_item < n_items {
        let width = BLOCK_WIDTH.min(n_items - first_item);
        for t in 0..n_periods {
            let line = next(&format!("demand of period {} (items {}..)", t + 1, first_item + 1), width)?;
            for (offset, &value) in line.values.iter().enumerate() {
                let value = non_negative(value, line.line, "demand")?;
                if let Some(cell) = demand.get_mut((first_item + offset) * n_periods + t) {
                    *cell = value;
                }
            }
        }
        first_item += width;
    }
    if let Some(extra) = lines.next() {
        return Err((extra.line, "unexpected numbers after the demand table".to_string()));
    }
    Ok(TrigeiroInstance { name: name.to_string(), n_periods, unit_cost_field, capacity, items, demand })
}

/// The non-empty lines made only of numbers, up to the first line holding text (the trailer).
/// The file ends at a DOS end-of-file byte (0x1A); NUL bytes count as blanks.
pub(super) fn numeric_lines(bytes: &[u8]) -> Result<Vec<NumberLine>, (usize, String)> {
    let end = bytes.iter().position(|&b| b == 0x1A).unwrap_or(bytes.len());
    let text = String::from_utf8_lossy(bytes.get(..end).unwrap_or(bytes));
    let mut lines = Vec::new();
    for (line_idx, raw) in text.lines().enumerate() {
        let tokens: Vec<&str> = raw.split(|c: char| c.is_whitespace() || c == '\0').filter(|t| !t.is_empty()).collect();
        if tokens.is_empty() {
            continue;
        }
        let parsed: Option<Vec<f64>> = tokens.iter().map(|t| t.parse::<f64>().ok()).collect();
        match parsed {
            Some(values) if values.iter().all(|v| v.is_finite()) => {
                lines.push(NumberLine { line: line_idx + 1, values })
            }
            Some(_) => return Err((line_idx + 1, "a number is not finite".to_string())),
            None if lines.is_empty() => {
                return Err((line_idx + 1, format!("expected numbers, found `{}`", raw.trim())))
            }
            None => break, // the text trailer
        }
    }
    Ok(lines)
}

pub(super) fn dimension(value: f64, line: usize, what: &str) -> Result<usize, (usize, String)> {
    if value.fract() != 0.0 || !(1.0..=MAX_DIMENSION as f64).contains(&value) {
        return Err((line, format!("the {what} must be a whole number in 1..={MAX_DIMENSION}, found {value}")));
    }
    Ok(value as usize)
}

pub(super) fn non_negative(value: f64, line: usize, what: &str) -> Result<f64, (usize, String)> {
    if value < 0.0 {
        return Err((line, format!("the {what} must be >= 0, found {value}")));
    }
    Ok(value)
}

/// Every `.DAT` file (any case) directly in `dir`, sorted by name.
pub fn list_dat_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let io = |source| Error::Read { path: dir.to_path_buf(), source };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let is_dat = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("dat"));
        if is_dat && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
