//! Why a plan is infeasible, in words a planner understands.
//!
//! The elastic model ([`crate::plan::model::ModelVariant::elastic`]) lets every demand be late and
//! every resource work unlimited overtime, at a prohibitive penalty, so it always has a
//! solution. What that solution had to use of the elastic slack names the demand that cannot be
//! met on time and the capacity that is missing. Lead-time chains explain early demand.

use crate::error::Error;
use crate::format::fmt_float;
use crate::format::snap;
use crate::grid::Grid;
use crate::input::bom::BomGraph;
use crate::input::{ItemKind, Options, PlanInput};
use crate::plan::model::{build_model, ModelVariant};
use crate::plan::solve::{Highs, SolveOptions};
use serde::Serialize;

/// What kind of shortage a finding reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Demand that may not be late cannot be shipped on time.
    LateDemand,
    /// A resource needs more time than capacity plus maximum overtime.
    Capacity,
    /// Replanning: a lot of the frozen fence cannot be kept as the previous plan had it.
    FrozenLot,
}

/// One reason for infeasibility.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Kind of shortage.
    pub kind: FindingKind,
    /// Item or resource id.
    pub subject: String,
    /// 1-based period.
    pub period: usize,
    /// Units short (demand) or time units short (capacity).
    pub amount: f64,
    /// The sentence shown to the planner.
    pub message: String,
}

/// The diagnosis of an infeasible plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    /// The reasons, demand first, in item and period order.
    pub findings: Vec<Finding>,
    /// Set when the elastic model could not be solved either (then `findings` is empty).
    pub incomplete: Option<String>,
}

/// Solves the elastic model and turns its slack into findings.
pub(crate) fn diagnose_infeasibility(
    input: &PlanInput,
    bom: &BomGraph,
    supply: &Options,
    planned: &Grid<f64>,
    options: &SolveOptions,
    backend: &Highs,
) -> Result<Diagnosis, Error> {
    let model = build_model(input, bom, supply, planned, ModelVariant { elastic: true });
    let columns = model.column_index();
    let vars = model.vars.clone();
    let outcome = backend.solve(model, options)?;
    let Some(values) = outcome.values else {
        return Ok(Diagnosis {
            findings: Vec::new(),
            incomplete: Some(format!(
                "the elastic model found no solution either ({:?}); try a longer time limit",
                outcome.stop_reason
            )),
        });
    };
    let value = |v: Option<good_lp::Variable>| -> f64 {
        v.and_then(|v| columns.get(&v)).and_then(|&c| values.get(c)).copied().unwrap_or(0.0)
    };
    let n_periods = input.n_periods();
    let earliest = earliest_supply(input, bom, supply);
    let mut extra_time = Grid::new(input.resources.len(), n_periods, 0.0);
    // What is left of each resource in the elastic solution (capacity + overtime - load).
    let mut free_time = Grid::new(input.resources.len(), n_periods, 0.0);
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            extra_time[(r, t)] = snap(value(vars.extra_overtime[(r, t)]));
            free_time[(r, t)] = res.capacity[t] + res.overtime_max;
        }
    }
    for (row, routing) in input.routings.iter().enumerate() {
        let Some(o) = supply.of_routing_row(row) else { continue };
        for t in 0..n_periods {
            let load = routing.unit_time * value(vars.lot[(o, t)]) + routing.setup_time * value(vars.setup[(o, t)]);
            free_time[(routing.resource, t)] -= load;
        }
    }
    for (f, family) in input.families.iter().enumerate() {
        for t in 0..n_periods {
            free_time[(family.resource, t)] -= family.setup_time * value(vars.family[(f, t)]);
        }
    }
    let ways = Ways { input, options: supply, earliest: &earliest, free_time: &free_time };
    let mut findings = Vec::new();
    for (i, item) in input.items.iter().enumerate() {
        if item.backlog_cost.is_some() {
            continue;
        }
        let mut previous = 0.0;
        for t in 0..n_periods {
            let k = (i, t);
            let backlog = snap(value(vars.backlog[k]));
            // New lateness in t: backlog that grew, i.e. demand of t (or before) not shipped.
            if backlog > 1e-6 && backlog > previous + 1e-6 {
                let amount = snap(backlog - previous.min(backlog));
                findings.push(late_finding(&ways, i, t, amount, planned[k]));
            }
            previous = backlog;
        }
    }
    if let Some(previous) = supply.previous() {
        for o in 0..supply.len() {
            for t in 0..input.frozen_periods() {
                let (xp, x) = (previous[(o, t)], snap(value(vars.lot[(o, t)])));
                if snap(value(vars.change[(o, t)])) > 1e-6 {
                    findings.push(frozen_finding(&ways, o, t, xp, x));
                }
            }
        }
    }
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            let extra = extra_time[(r, t)];
            if extra > 1e-6 {
                let available = res.capacity[t] + res.overtime_max;
                let frozen = match frozen_load(&ways, r, t) {
                    Some(lots) => format!("; the frozen lots there take {lots}"),
                    None => String::new(),
                };
                findings.push(Finding {
                    kind: FindingKind::Capacity,
                    subject: res.id.clone(),
                    period: t + 1,
                    amount: extra,
                    message: format!(
                        "{}: period {} needs {} time units, but capacity {} + overtime {} gives only {} (short by {})",
                        res.id,
                        t + 1,
                        fmt_float(available + extra),
                        fmt_float(res.capacity[t]),
                        fmt_float(res.overtime_max),
                        fmt_float(available),
                        fmt_float(extra)
                    ) + &frozen,
                });
            }
        }
    }
    Ok(Diagnosis { findings, incomplete: None })
}

/// What the late-demand findings read: the ways to supply each item and what the elastic
/// solution had to add.
struct Ways<'a> {
    input: &'a PlanInput,
    options: &'a Options,
    earliest: &'a [(usize, Vec<(usize, usize)>)],
    /// What the elastic solution leaves of each resource (negative where it needed more).
    free_time: &'a Grid<f64>,
}

impl Ways<'_> {
    /// `{item} ({L} periods)` for an item with one way; `{item} via route R` or
    /// `{item} from supplier V` when it has several.
    fn lead_time_of(&self, i: usize, o: usize) -> String {
        let lead = self.options.get(o).lead_time;
        let item = &self.input.items[i].id;
        let several = self.options.of_item(i).len() > 1;
        let way = if several { format!(" {}", self.name(o)) } else { String::new() };
        format!("{item}{way} ({lead} period{})", plural(lead))
    }

    /// An option as a planner names it: `via route DTG`, `via its route`, `from MILL-B`,
    /// `from its supplier`.
    fn name(&self, o: usize) -> String {
        let option = self.options.get(o);
        match (option.is_made(), option.route(), option.supplier()) {
            (true, Some(r), _) => format!("via route {}", self.input.routes[r].id),
            (true, None, _) => "via its route".to_string(),
            (false, _, Some(v)) => format!("from {}", self.input.suppliers[v].id),
            (false, _, None) => "from its supplier".to_string(),
        }
    }

    /// An option with its item, as a planner names it: `A` for an unnamed way, else
    /// `A via route DTG`, `A from MILL-B` ([`Ways::name`]).
    fn item_and_way(&self, o: usize) -> String {
        let option = self.options.get(o);
        let item = &self.input.items[option.item].id;
        if option.route().is_none() && option.supplier().is_none() {
            item.clone()
        } else {
            format!("{item} {}", self.name(o))
        }
    }

    /// Replanning: `; LINE is full in period 1, where the frozen lots take A 10 (10 time
    /// units)` for each resource of item `i`'s routes that is full in a frozen period in which
    /// a lot for period `t` could start, and that frozen lots load (nothing otherwise).
    fn frozen_collisions(&self, i: usize, t: usize) -> String {
        let mut said = String::new();
        let mut seen = Vec::new();
        for o in self.options.made_of_item(i) {
            let Some(latest) = t.checked_sub(self.options.get(o).lead_time) else { continue };
            for &row in self.options.get(o).routings() {
                let r = self.input.routings[row].resource;
                for s in 0..(latest + 1).min(self.input.frozen_periods()) {
                    if seen.contains(&(r, s)) || self.free_time[(r, s)] > 1e-6 {
                        continue;
                    }
                    seen.push((r, s));
                    if let Some(lots) = frozen_load(self, r, s) {
                        let resource = &self.input.resources[r].id;
                        said.push_str(&format!(
                            "; {resource} is full in period {}, where the frozen lots take {lots}",
                            s + 1
                        ));
                    }
                }
            }
        }
        said
    }

    /// Why each way of item `i` could not supply for period `t` (items with several ways).
    fn obstacles(&self, i: usize, t: usize) -> Vec<String> {
        let input = self.input;
        let bucket = input.horizon.bucket.as_str();
        let mut said = Vec::new();
        for o in self.options.of_item(i) {
            let option = self.options.get(o);
            let lead = option.lead_time;
            let Some(start) = t.checked_sub(lead) else {
                said.push(format!("{} takes {lead} {bucket}{}", self.name(o), plural(lead)));
                continue;
            };
            if let Some(cap) = option.max_per_period {
                said.push(format!("{} delivers at most {} a {bucket}", self.name(o), fmt_float(cap)));
            }
            for &row in option.routings() {
                let routing = &input.routings[row];
                let resource = &input.resources[routing.resource];
                let no_capacity = (0..=start).all(|s| resource.capacity[s] + resource.overtime_max <= 0.0);
                let full = (0..=start).all(|s| self.free_time[(routing.resource, s)] <= 1e-6);
                let text = if no_capacity {
                    format!("{}'s capacity is 0", resource.id)
                } else if full {
                    format!("{} is full", resource.id)
                } else {
                    continue;
                };
                if !said.contains(&text) {
                    said.push(text);
                }
            }
        }
        said
    }
}

/// `A via route DTG 120 (60 time units), ...`: the frozen lots on resource `r` in period `t`
/// of the fence, `None` when no frozen lot loads it there.
fn frozen_load(ways: &Ways<'_>, r: usize, t: usize) -> Option<String> {
    let (input, supply) = (ways.input, ways.options);
    let previous = supply.previous().filter(|_| t < input.frozen_periods())?;
    let mut lots = Vec::new();
    for (row, routing) in input.routings.iter().enumerate().filter(|(_, ro)| ro.resource == r) {
        let Some(o) = supply.of_routing_row(row) else { continue };
        let xp = previous[(o, t)];
        if xp > 0.0 {
            let load = routing.unit_time * xp + routing.setup_time;
            lots.push(format!("{} {} ({} time units)", ways.item_and_way(o), fmt_float(xp), fmt_float(load)));
        }
    }
    (!lots.is_empty()).then(|| lots.join(", "))
}

/// A frozen lot of `xp` in period `t` that the elastic plan had to change to `x`, with the
/// lot rule it breaks when one does.
fn frozen_finding(ways: &Ways<'_>, o: usize, t: usize, xp: f64, x: f64) -> Finding {
    let (input, supply) = (ways.input, ways.options);
    let option = supply.get(o);
    let mut broken = Vec::new();
    if let Some(max_lot) = option.max_lot.filter(|&m| xp > m + 1e-9) {
        broken.push(format!("above its max_lot of {}", fmt_float(max_lot)));
    }
    if let Some(cap) = option.max_per_period.filter(|&c| xp > c + 1e-9) {
        broken.push(format!("above its max_per_period of {}", fmt_float(cap)));
    }
    if xp < option.min_lot - 1e-9 {
        broken.push(format!("below its min_lot of {}", fmt_float(option.min_lot)));
    }
    if let Some(mult) = option.lot_multiple.filter(|&m| ((xp / m) - (xp / m).round()).abs() > 1e-6) {
        broken.push(format!("not a multiple of its lot_multiple {}", fmt_float(mult)));
    }
    let reason = if broken.is_empty() {
        "its components cannot be there in time, or it leaves demand that may not be late unshipped".to_string()
    } else {
        broken.join(", ")
    };
    Finding {
        kind: FindingKind::FrozenLot,
        subject: input.items[option.item].id.clone(),
        period: t + 1,
        amount: snap((x - xp).abs()),
        message: format!(
            "{}: the frozen lot of {} in period {} (the previous plan's, inside the {}-period fence) cannot be kept: {reason}; the plan would need {} there (shorten the frozen fence or change the previous plan)",
            ways.item_and_way(o),
            fmt_float(xp),
            t + 1,
            input.frozen_periods(),
            fmt_float(x)
        ),
    }
}

fn late_finding(ways: &Ways<'_>, i: usize, t: usize, amount: f64, demand: f64) -> Finding {
    let input = ways.input;
    let item = &input.items[i];
    let (first, chain) = &ways.earliest[i];
    let mut reason = if t < *first {
        let names: Vec<String> = chain.iter().map(|&(c, o)| ways.lead_time_of(c, o)).collect();
        format!(
            "earliest possible supply period {} (lead time of {}), and on hand plus receipts do not cover it",
            first + 1,
            names.join(" + ")
        )
    } else {
        "capacity, lot rules or component supply do not allow making it in time".to_string()
    };
    if ways.options.of_item(i).len() > 1 {
        let obstacles = ways.obstacles(i, t);
        if !obstacles.is_empty() {
            reason = format!("{reason}: {}", obstacles.join(", "));
        }
    }
    reason.push_str(&ways.frozen_collisions(i, t));
    Finding {
        kind: FindingKind::LateDemand,
        subject: item.id.clone(),
        period: t + 1,
        amount,
        message: format!(
            "{}: {} of {} units due in period {} cannot be shipped on time and late shipment is not allowed (no backlog_cost); {}",
            item.id,
            fmt_float(amount),
            fmt_float(demand),
            t + 1,
            reason
        ),
    }
}

/// For every item, the earliest 0-based period in which newly made or bought units can be
/// available, and the lead-time chain behind it as `(item, option)` pairs (the item's fastest
/// option first, then the component that binds it). A made option waits for its components
/// (those without initial inventory); a bought one does not.
pub(crate) fn earliest_supply(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
) -> Vec<(usize, Vec<(usize, usize)>)> {
    let mut earliest: Vec<(usize, Vec<(usize, usize)>)> = vec![(0, Vec::new()); input.items.len()];
    // Components before parents: walk the topological order backwards.
    for &i in bom.topological_order().iter().rev() {
        let mut components_ready = 0;
        let mut chain_tail = Vec::new();
        if input.items[i].kind == ItemKind::Make {
            for edge in input.bom.iter().filter(|e| e.parent == i) {
                let c = edge.component;
                if input.items[c].initial_inventory > 0.0 {
                    continue;
                }
                let (c_first, c_chain) = &earliest[c];
                if *c_first > components_ready {
                    components_ready = *c_first;
                    chain_tail = c_chain.clone();
                }
            }
        }
        let fastest = options
            .of_item(i)
            .map(|o| {
                let option = options.get(o);
                let ready = if option.is_made() { components_ready } else { 0 };
                (ready + option.lead_time, o)
            })
            .min();
        let Some((first, o)) = fastest else { continue };
        let mut chain = vec![(i, o)];
        if options.get(o).is_made() {
            chain.extend(chain_tail);
        }
        chain.retain(|&(_, o)| options.get(o).lead_time > 0);
        earliest[i] = (first, chain);
    }
    earliest
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
