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
    let earliest = earliest_supply(input, bom);
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
                findings.push(late_finding(input, i, t, amount, planned[k], &earliest));
            }
            previous = backlog;
        }
    }
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            let extra = snap(value(vars.extra_overtime[(r, t)]));
            if extra > 1e-6 {
                let available = res.capacity[t] + res.overtime_max;
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
                    ),
                });
            }
        }
    }
    Ok(Diagnosis { findings, incomplete: None })
}

fn late_finding(
    input: &PlanInput,
    i: usize,
    t: usize,
    amount: f64,
    demand: f64,
    earliest: &[(usize, Vec<usize>)],
) -> Finding {
    let item = &input.items[i];
    let (first, chain) = &earliest[i];
    let reason = if t < *first {
        let names: Vec<String> = chain
            .iter()
            .map(|&c| {
                format!(
                    "{} ({} period{})",
                    input.items[c].id,
                    input.items[c].lead_time,
                    plural(input.items[c].lead_time)
                )
            })
            .collect();
        format!(
            "earliest possible supply period {} (lead time of {}), and on hand plus receipts do not cover it",
            first + 1,
            names.join(" + ")
        )
    } else {
        "capacity, lot rules or component supply do not allow making it in time".to_string()
    };
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
/// available, and the lead-time chain (item first, then the component that binds) behind it.
/// Components with initial inventory are taken as available at once.
pub(crate) fn earliest_supply(input: &PlanInput, bom: &BomGraph) -> Vec<(usize, Vec<usize>)> {
    let mut earliest: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); input.items.len()];
    // Components before parents: walk the topological order backwards.
    for &i in bom.topological_order().iter().rev() {
        let item = &input.items[i];
        let mut start = 0;
        let mut chain_tail = Vec::new();
        if item.kind == ItemKind::Make {
            for edge in input.bom.iter().filter(|e| e.parent == i) {
                let c = edge.component;
                if input.items[c].initial_inventory > 0.0 {
                    continue;
                }
                let (c_first, c_chain) = &earliest[c];
                if *c_first > start {
                    start = *c_first;
                    chain_tail = c_chain.clone();
                }
            }
        }
        let mut chain = vec![i];
        chain.extend(chain_tail);
        chain.retain(|&c| input.items[c].lead_time > 0);
        earliest[i] = (start + item.lead_time, chain);
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
