//! The independent plan checker (`flexplan validate`).
//!
//! [`validate_plan`] reads a plan folder written by the planner (`lots`, `inventory`,
//! `resources`, `order_promises`, and `changes` when replanning, as `.csv`, or `.parquet` when
//! no CSV is there, plus `summary.json`) and recomputes, from the validated [`PlanInput`] and
//! those files alone, whether the plan is feasible for the formulation of `planning-model.md`
//! (sections 1-3) and what it costs.
//!
//! It is a second, deliberately simple implementation of the spec: it does not use the
//! planner's modules (`model`, `solve`, `report`, `demand`, `bom`, nor `input::options`, the
//! planner's derivation of each item's options). Demand `D[i,t]` is recomputed from the orders
//! and the forecast with [`crate::input::Horizon::locate`], BOM consumption is summed from
//! `input.bom` directly, and each item's ways to be replenished (its routes and suppliers,
//! version 2 of the spec) are read from the input tables by `ways.rs`. Every constraint is
//! checked on the reported values row by row (the balance of period `t` uses the reported
//! inventory of `t - 1`), so one wrong number gives a violation where it is, not a cascade.
//!
//! # Version 2: routes, suppliers, families, unmet demand
//! A lot row names its item and its way: a `route` of the item (kind `make`), a `supplier`
//! from `sources.csv` (kind `buy`), or neither for the item's unnamed route or supplier (a
//! `lots.csv` without these columns is a version-1 plan's: every lot on its unnamed way). A
//! lot is checked against its way's lead time and lot rules (and the source's
//! `max_per_period`); it arrives in its item's stock after its way's lead time, consumes
//! components only when made, loads only the routing rows of its route, and costs its way's
//! unit and order cost plus its rows' setup costs. A family on a resource takes its setup time
//! and cost once in each period in which any lot with a routing row of that family runs; a
//! supplier's joint order cost is paid once in each period with any lot from it; and
//! `unmet_cost` is paid on the backlog reported for the last period. A lot whose way the item
//! does not have is reported and then counts nowhere (its lead time, consumption, load and
//! cost are unknown). A version-1 plan gets exactly the report it got before.
//!
//! # Version 2: configurable products
//! The reader expands each configurable product into planning classes in the input's tables;
//! the checker does not trust that expansion. [`resolve_configuration`] (`configure.rs`)
//! resolves the products again from their rows as written (spec section 1.5): the relevant
//! attributes, the classes (of the orders, of every mix combination when the product has a
//! forecast, of the receipts), each class's BOM lines, routing rows, routes and families, and
//! its demand `O[c,t] + U[i,t] * prod_a share` (as forecast rows of the class, so that demand
//! stays `max(firm, forecast)` per item). Every check then runs on that expansion: a lot or
//! stock row of a class the checker does not derive is an `unknown_item`, a class it expects
//! without rows is a `missing_row`, and what cannot be resolved (options that do not parse, a
//! component that is not an ordinary item, a family without a row, ...) is a `configuration`
//! violation, listed first. `order_promises.csv`'s `options` and `class` columns must name the
//! order's options and the checker's class (`item` is the product ordered); a file without
//! them is right only for orders of ordinary items (empty options, the item as its class). A
//! plan without configurable products is checked on the input itself, as before.
//!
//! # Version 2: replanning
//! When the input replans against a previous plan ([`PlanInput::replan`]: validate must be given
//! the same `--previous`, `--frozen`, `--change-cost`, `--new-lot-cost` or `[replan]` as `plan`),
//! `replan.rs` derives the previous quantities `xp[w,t]` itself from the previous plan's lot
//! rows and the input tables (spec section 1.6): a previous lot belongs to the period whose
//! dates hold its `start_date`; lots before the horizon or after it, lots of an item or way
//! that no longer exists and lots that could no longer start in their period (`t + lead time
//! >= T`) are left out; several lots of one way and period add up. Then:
//! - the frozen fence: in the first `frozen_periods` periods every way's lot (where it can
//!   start) is the previous plan's, within the feasibility tolerance; a missing, changed or
//!   extra lot there is a `frozen_lot` violation;
//! - `changes.csv` (or `.parquet`) must exist, with exactly one row, holding both quantities,
//!   for every way and period where the lot differs from the previous plan's (by more than
//!   [`WRITTEN_ROUNDING`]), and no other row; the row order is not checked;
//! - the cost terms `change` (`change_cost * sum |x - xp|`) and `new_lot` (`new_lot_cost` per
//!   lot where `xp = 0`), both over the periods after the fence, are recomputed like every
//!   other term, so `costs` and `objective` of `summary.json` cover them;
//! - `summary.json`'s `replan` object must be there exactly when validate replans, with the
//!   same `frozen_periods`, `change_cost` and `new_lot_cost` (its `previous` path is not
//!   compared: one folder has many spellings) and the recomputed counts of lots added,
//!   removed and changed (exactly) and of units changed (cost tolerance), over every period.
//!
//! Without replanning nothing of this is checked: a `changes.csv` in the folder is not even
//! read, but a `replan` object in `summary.json` is reported (the plan was made with
//! replanning flags validate was not given).
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
//! period recomputed by the checker. A violation about a lot also names the lot's route or
//! supplier, when it has one. Costs are recomputed from the reported quantities: lots (`x` per
//! way and period, and `y = 1` iff a lot of positive quantity exists), reported inventory,
//! backlog and safety shortfall, and reported overtime.
//!
//! # Files
//! `files.rs` reads the plan folder (its own CSV and Parquet reader, the rows, `changes`,
//! `summary.json`);
//! `configure.rs` resolves the configurable products into the checker's own planning classes;
//! `recompute.rs` derives from the input what the plan must match (demand, receipts, BOM
//! consumers, routings, the promise allocation) and `ways.rs` each item's ways with their
//! values and the way a lot row names; the checker's state is here, and its rules
//! are one file per family: `lots.rs`, `stock.rs` (inventory, balances, backlog, safety stock),
//! `capacity.rs`, `promises.rs` (with the fill and on-time rates), `replan.rs` (the previous
//! plan's quantities, the frozen fence, `changes.csv`, the change costs and the `replan`
//! counts) and `costs.rs` (cost terms and the claims of `summary.json`).

mod capacity;
mod configure;
mod costs;
mod files;
mod lots;
mod promises;
mod recompute;
mod replan;
mod stock;
mod ways;

pub use self::configure::{resolve_configuration, Expansion};
use self::files::{load_optional_table, load_table, parse_changes, read_summary, unusable};
use self::files::{parse_inventory, parse_lots, parse_promises, parse_resources};
pub(crate) use self::files::{ChangeRow, Changes};
use self::files::{InventoryRow, InventoryValues, LotRow, PromiseRow, ResourceRow, ResourceValues};
use self::recompute::{consumers_by_component, receipts_by_period, recompute_demand, routings_by_resource};
use self::ways::Ways;
use crate::costs::CostBreakdown;
use crate::error::Result;
use crate::input::PlanInput;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
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

/// At most this many violations are listed by [`ValidationReport::to_text`] (all are kept).
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
    /// A lot's `kind` is not its way's: `make` on a route, `buy` from a supplier (for a lot
    /// naming neither, the item's kind).
    KindMismatch,
    /// A lot names a route that is not a route of its item in `routings.csv` (v2).
    UnknownRoute,
    /// A lot names a supplier that does not supply its item in `sources.csv` (v2).
    UnknownSupplier,
    /// A made lot names no route, but its item's routes are all named (v2).
    UnnamedRoute,
    /// A lot names no supplier, but its item has no unnamed supplier: a buy item with sources
    /// is bought only from them, and a make item only from its sources (v2).
    UnnamedSupplier,
    /// A lot names both a route and a supplier (v2).
    RouteAndSupplier,
    /// A lot starts after `T - lead_time` of its way: it would arrive after the horizon.
    LotAfterHorizon,
    /// `available_period` is not `period + lead_time` of the lot's way.
    AvailablePeriod,
    /// `start_date` is not the first day of the lot's period.
    StartDate,
    /// A lot with quantity `<= 0`.
    NonPositiveLot,
    /// A lot below its way's `min_lot`.
    MinLot,
    /// A lot above its way's `max_lot`.
    MaxLot,
    /// A lot that is not an integer multiple of its way's `lot_multiple`.
    LotMultiple,
    /// A lot above its supplier's `max_per_period` for the item (v2).
    MaxPerPeriod,
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
    /// The reported setup time differs from `sum s * y` plus the family setups `sum ST * z`.
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
    /// A lot inside the frozen fence differs from the previous plan's, is missing or is extra
    /// (v2 replanning, constraint 9).
    FrozenLot,
    /// A plan file the input requires is missing (`changes.csv` of a replanned plan).
    MissingFile,
    /// A `changes.csv` row whose quantities are not the previous plan's and this plan's, or
    /// that lists a lot whose quantity did not change (v2 replanning).
    ChangeRow,
    /// A count of `summary.json`'s `replan` object (lots added, removed, changed, units
    /// changed) differs from the recomputed one (v2 replanning).
    ReplanCount,
    /// `summary.json` was written with other replanning settings than validate was given, or
    /// only one of the two replans (v2 replanning).
    ReplanSettings,
    /// The input's configurable products cannot be resolved (v2, spec section 1.5): a
    /// condition, placeholder, order's options or receipt's class id that does not parse or
    /// names no attribute, a resolved component that is not an ordinary item, a family with no
    /// row in families.csv, two templates resolving to one family with different values, a
    /// forecast without a mix for a relevant attribute (`validate/configure.rs`).
    Configuration,
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
            ViolationKind::UnknownRoute => "unknown_route",
            ViolationKind::UnknownSupplier => "unknown_supplier",
            ViolationKind::UnnamedRoute => "unnamed_route",
            ViolationKind::UnnamedSupplier => "unnamed_supplier",
            ViolationKind::RouteAndSupplier => "route_and_supplier",
            ViolationKind::LotAfterHorizon => "lot_after_horizon",
            ViolationKind::AvailablePeriod => "available_period",
            ViolationKind::StartDate => "start_date",
            ViolationKind::NonPositiveLot => "non_positive_lot",
            ViolationKind::MinLot => "min_lot",
            ViolationKind::MaxLot => "max_lot",
            ViolationKind::LotMultiple => "lot_multiple",
            ViolationKind::MaxPerPeriod => "max_per_period",
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
            ViolationKind::FrozenLot => "frozen_lot",
            ViolationKind::MissingFile => "missing_file",
            ViolationKind::ChangeRow => "change_row",
            ViolationKind::ReplanCount => "replan_count",
            ViolationKind::ReplanSettings => "replan_settings",
            ViolationKind::Configuration => "configuration",
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
    /// The route of the lot concerned, when it names one (v2; left out of JSON when empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// The supplier of the lot concerned, when it names one (v2; left out of JSON when empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// 1-based period, when the violation is about one period.
    pub period: Option<usize>,
    /// Size of the violation (difference, shortfall or excess), in the units of the quantity.
    pub amount: f64,
    /// A sentence a planner understands, starting with the subject and period.
    pub message: String,
}

/// What [`validate_plan`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationReport {
    /// Every violation, in check order (the configurable products' resolution, lots,
    /// inventory, resources, promises, the frozen fence and `changes.csv`, summary with its
    /// `replan` object).
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

impl ValidationReport {
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

/// The rows of a written plan folder, as the checker reads them (CSV or Parquet); the HTML
/// report shows the same rows.
pub struct PlanRows {
    pub(crate) lots: Vec<LotRow>,
    pub(crate) inventory: Vec<InventoryRow>,
    pub(crate) resources: Vec<ResourceRow>,
    pub(crate) promises: Vec<PromiseRow>,
}

/// Reads the tables of the plan folder `plan_dir` (an [`Error::Plan`](crate::Error::Plan) names
/// a missing or malformed file, row and column).
pub fn read_plan_rows(plan_dir: &Path) -> Result<PlanRows> {
    let lots = parse_lots(&load_table(plan_dir, "lots")?).map_err(unusable(plan_dir))?;
    let inventory = parse_inventory(&load_table(plan_dir, "inventory")?).map_err(unusable(plan_dir))?;
    let resources = parse_resources(&load_table(plan_dir, "resources")?).map_err(unusable(plan_dir))?;
    let promises = parse_promises(&load_table(plan_dir, "order_promises")?).map_err(unusable(plan_dir))?;
    Ok(PlanRows { lots, inventory, resources, promises })
}

/// `changes.csv` (or `.parquet`) of the plan folder `plan_dir`, `None` when it has none (an
/// [`Error::Plan`](crate::Error::Plan) names a malformed file, row and column).
pub(crate) fn read_changes(plan_dir: &Path) -> Result<Option<Changes>> {
    match load_optional_table(plan_dir, "changes")? {
        Some(table) => Ok(Some(parse_changes(&table).map_err(unusable(plan_dir))?)),
        None => Ok(None),
    }
}

/// Checks the plan in `plan_dir` against `input`; see the module docs.
///
/// Returns an error only when the plan files cannot be read ([`Error::Read`](crate::Error::Read))
/// or are missing or malformed ([`Error::Plan`](crate::Error::Plan)); every broken rule is a
/// [`Violation`] in the report.
pub fn validate_plan(input: &PlanInput, plan_dir: &Path) -> Result<ValidationReport> {
    let rows = read_plan_rows(plan_dir)?;
    let summary = read_summary(plan_dir)?;
    // Only a replanned plan has changes to check; another plan's changes file is not read.
    let changes = match input.replan {
        Some(_) => read_changes(plan_dir)?,
        None => None,
    };

    // Every check runs on the checker's own expansion of the configurable products.
    let expansion = (!input.configuration.is_empty()).then(|| resolve_configuration(input));
    let mut checker = match &expansion {
        Some(expansion) => {
            let mut checker = Checker::new(&expansion.input);
            checker.violations.extend(expansion.problems.iter().cloned());
            checker.unresolved_orders = expansion.unresolved_orders.iter().map(String::as_str).collect();
            checker
        }
        None => Checker::new(input),
    };
    checker.check_lots(&rows.lots);
    checker.check_inventory(&rows.inventory);
    checker.check_resources(&rows.resources);
    let on_time_rate = checker.check_promises(&rows.promises);
    checker.check_replan(changes.as_ref());
    let fill_rate = checker.fill_rate();
    let costs = checker.costs();
    let reported_objective = checker.check_summary(&summary, &costs, fill_rate, on_time_rate);
    checker.check_replan_summary(summary.replan.as_ref());
    Ok(ValidationReport {
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
// The checker's state (its rules: lots.rs, stock.rs, capacity.rs, promises.rs, replan.rs,
// costs.rs)

/// The state of one check: input, recomputed quantities, reported rows and violations.
struct Checker<'a> {
    input: &'a PlanInput,
    n_periods: usize,
    item_index: HashMap<&'a str, usize>,
    resource_index: HashMap<&'a str, usize>,
    /// For each component: the `(parent, quantity)` BOM edges that consume it.
    consumers: Vec<Vec<(usize, f64)>>,
    /// For each resource: the routing rows (indices into `input.routings`) that load it.
    routings_by_resource: Vec<Vec<usize>>,
    /// Every item's ways to be replenished (the spec's options), with their values.
    ways: Ways,
    demand: Vec<Vec<f64>>,
    due_periods: Vec<Option<usize>>,
    receipts: Vec<Vec<f64>>,
    /// `x[w][t]` per way, summed over the lot rows naming it.
    lots: Vec<Vec<f64>>,
    /// `xp[w][t]`: the previous plan's lots per way (replanning only; `replan.rs`).
    previous: Option<Vec<Vec<f64>>>,
    /// Reported inventory rows by `[item][t]`.
    inventory: Vec<Vec<Option<InventoryValues>>>,
    /// Reported resource rows by `[resource][t]`.
    resources: Vec<Vec<Option<ResourceValues>>>,
    /// Orders of configurable products whose class could not be resolved (reported by
    /// `configure.rs`): their promise rows are not checked.
    unresolved_orders: HashSet<&'a str>,
    violations: Vec<Violation>,
}

/// The route or supplier a violation is about, beyond its subject (a lot's way, v2).
#[derive(Debug, Clone, Copy, Default)]
struct Via<'s> {
    route: Option<&'s str>,
    supplier: Option<&'s str>,
}

impl<'s> Via<'s> {
    /// The route and supplier a lot row names (empty cells name none).
    fn of_row(route: &'s str, supplier: &'s str) -> Self {
        Via { route: (!route.is_empty()).then_some(route), supplier: (!supplier.is_empty()).then_some(supplier) }
    }

    /// What goes between the subject and the period in a message: ` route R`, ` supplier S`.
    fn words(&self) -> String {
        let mut words = String::new();
        if let Some(route) = self.route {
            let _ = write!(words, " route {route}");
        }
        if let Some(supplier) = self.supplier {
            let _ = write!(words, " supplier {supplier}");
        }
        words
    }
}

impl<'a> Checker<'a> {
    fn new(input: &'a PlanInput) -> Self {
        let n_periods = input.n_periods();
        let (demand, due_periods) = recompute_demand(input);
        let ways = Ways::new(input);
        Checker {
            input,
            n_periods,
            item_index: input.item_index_map(),
            resource_index: input.resources.iter().enumerate().map(|(idx, r)| (r.id.as_str(), idx)).collect(),
            consumers: consumers_by_component(input),
            routings_by_resource: routings_by_resource(input),
            demand,
            due_periods,
            receipts: receipts_by_period(input),
            lots: vec![vec![0.0; n_periods]; ways.len()],
            previous: replan::previous_quantities(input, &ways),
            ways,
            inventory: vec![vec![None; n_periods]; input.items.len()],
            resources: vec![vec![None; n_periods]; input.resources.len()],
            unresolved_orders: HashSet::new(),
            violations: Vec::new(),
        }
    }

    /// What a row naming an item the input does not have is: `{what} for an item that is not
    /// in items.csv`, and, for a plan with configurable products, not one of the checker's
    /// planning classes either.
    fn unknown_item_detail(&self, what: &str) -> String {
        if self.input.configuration.is_empty() {
            format!("{what} for an item that is not in items.csv")
        } else {
            format!(
                "{what} for an item that is neither in items.csv nor a planning class of the input's configurable \
                 products (the checker's own classes)"
            )
        }
    }

    /// Records a violation; `t` is 0-based and the message gets the subject and period prefix.
    fn report(&mut self, kind: ViolationKind, subject: &str, t: Option<usize>, amount: f64, detail: String) {
        self.report_via(kind, subject, Via::default(), t, amount, detail);
    }

    /// [`Checker::report`] for a violation about a lot's route or supplier.
    fn report_via(
        &mut self,
        kind: ViolationKind,
        subject: &str,
        via: Via<'_>,
        t: Option<usize>,
        amount: f64,
        detail: String,
    ) {
        let message = match t {
            Some(t) => format!("{subject}{} period {}: {detail}", via.words(), t + 1),
            None => format!("{subject}{}: {detail}", via.words()),
        };
        self.violations.push(Violation {
            kind,
            subject: subject.to_string(),
            route: via.route.map(str::to_string),
            supplier: via.supplier.map(str::to_string),
            period: t.map(|t| t + 1),
            amount,
            message,
        });
    }

    /// Records a violation about a row whose period is given as written (maybe out of range).
    fn report_raw_period(&mut self, kind: ViolationKind, subject: &str, period: i64, amount: f64, detail: String) {
        self.report_raw_period_via(kind, subject, Via::default(), period, amount, detail);
    }

    /// [`Checker::report_raw_period`] for a violation about a lot's route or supplier.
    fn report_raw_period_via(
        &mut self,
        kind: ViolationKind,
        subject: &str,
        via: Via<'_>,
        period: i64,
        amount: f64,
        detail: String,
    ) {
        let message = format!("{subject}{} period {period}: {detail}", via.words());
        self.violations.push(Violation {
            kind,
            subject: subject.to_string(),
            route: via.route.map(str::to_string),
            supplier: via.supplier.map(str::to_string),
            period: usize::try_from(period).ok(),
            amount,
            message,
        });
    }

    /// `x[w,t]`: the lots of way `w` started in `t`.
    fn lot(&self, way: usize, t: usize) -> f64 {
        self.lots.get(way).and_then(|row| row.get(t)).copied().unwrap_or(0.0)
    }

    /// `y[w,t]`: a lot of positive quantity exists.
    fn has_lot(&self, way: usize, t: usize) -> bool {
        self.lot(way, t) > 0.0
    }

    /// The route and supplier of way `w`, for messages.
    fn via_of(&self, way: usize) -> Via<'a> {
        let input = self.input;
        match self.ways.get(way) {
            Some(way) => Via { route: way.route_id(input), supplier: way.supplier_id(input) },
            None => Via::default(),
        }
    }

    fn demand_of(&self, item_idx: usize, t: usize) -> f64 {
        self.demand.get(item_idx).and_then(|row| row.get(t)).copied().unwrap_or(0.0)
    }

    fn inventory_row(&self, item_idx: usize, t: usize) -> Option<InventoryValues> {
        self.inventory.get(item_idx).and_then(|row| row.get(t)).copied().flatten()
    }
}

/// Converts a 1-based period from a file into a 0-based one, if it is in `1..=n_periods`.
fn zero_based(period: i64, n_periods: usize) -> Option<usize> {
    let t = usize::try_from(period).ok()?.checked_sub(1)?;
    (t < n_periods).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_num_hides_float_noise() {
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(12.5), "12.5");
    }
}
