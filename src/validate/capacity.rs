//! The resource rows: one per resource and period, the load recomputed from the lots (each
//! lot loads the rows of its own route; family setups once per family, resource and period)
//! against capacity and overtime (constraint 3), and the utilisation.

use super::files::{ResourceRow, ResourceValues};
use super::recompute::capacity_of;
use super::{feasibility_tol, feasible_eq, fmt_num, zero_based, Checker, ViolationKind};
use std::fmt::Write as _;

impl Checker<'_> {
    pub(super) fn check_resources(&mut self, rows: &[ResourceRow]) {
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

    /// `(sum u * x, sum s * y + sum ST * z)` on resource `r` in period `t`, from the lots: each
    /// routing row loads the resource with the lots of its own route only, and a family setup
    /// counts once per family on the resource in a period in which any lot with a routing row
    /// of that family runs.
    fn load(&self, resource_idx: usize, t: usize) -> (f64, f64) {
        let input = self.input;
        let mut run_time = 0.0;
        let mut setup_time = 0.0;
        for &row in self.routings_by_resource.get(resource_idx).into_iter().flatten() {
            let (Some(routing), Some(way)) = (input.routings.get(row), self.ways.of_row.get(row).copied().flatten())
            else {
                continue;
            };
            run_time += routing.unit_time * self.lot(way, t);
            if self.has_lot(way, t) {
                setup_time += routing.setup_time;
            }
        }
        for (family_idx, family) in input.families.iter().enumerate() {
            if family.resource == resource_idx && self.family_runs(family_idx, t) {
                setup_time += family.setup_time;
            }
        }
        (run_time, setup_time)
    }

    /// `z[f,r,t]`: a lot with a routing row in family `f` (on the family's resource) runs in `t`.
    pub(super) fn family_runs(&self, family_idx: usize, t: usize) -> bool {
        self.ways
            .rows_of_family
            .get(family_idx)
            .into_iter()
            .flatten()
            .any(|&row| self.ways.of_row.get(row).copied().flatten().is_some_and(|way| self.has_lot(way, t)))
    }

    /// The families of `resource_idx` that run in `t`, with their setup time, for messages.
    fn family_setups(&self, resource_idx: usize, t: usize) -> Vec<(&str, f64)> {
        let input = self.input;
        input
            .families
            .iter()
            .enumerate()
            .filter(|(family_idx, family)| family.resource == resource_idx && self.family_runs(*family_idx, t))
            .map(|(_, family)| (family.id.as_str(), family.setup_time))
            .collect()
    }

    /// Compares one `resources.csv` row with the recomputed load.
    fn check_resource_row(&mut self, resource_idx: usize, t: usize, values: &ResourceValues, load: &ResourceLoad) {
        let input = self.input;
        let Some(resource) = input.resources.get(resource_idx) else {
            return;
        };
        let id = resource.id.as_str();
        let has_families = input.families.iter().any(|family| family.resource == resource_idx);
        let setups = if has_families {
            "sum of setup_time per lot and of the family setups"
        } else {
            "sum of setup_time per lot"
        };
        let compared = [
            (ViolationKind::RunTime, "run_time", values.run_time, load.run_time, "sum of unit_time x lot"),
            (ViolationKind::SetupTime, "setup_time", values.setup_time, load.setup_time, setups),
            (ViolationKind::Capacity, "capacity", values.capacity, load.capacity, "capacity of the input"),
        ];
        for (kind, name, reported, expected, what) in compared {
            if !feasible_eq(reported, expected, 0.0) {
                let mut detail = format!("{name} {} but the {what} is {}", fmt_num(reported), fmt_num(expected));
                if kind == ViolationKind::SetupTime && has_families {
                    let families: Vec<String> = self
                        .family_setups(resource_idx, t)
                        .into_iter()
                        .map(|(family, time)| format!("{family} {}", fmt_num(time)))
                        .collect();
                    let families = if families.is_empty() { "none".to_string() } else { families.join(", ") };
                    let _ = write!(detail, " (family setups: {families})");
                }
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
}

/// Recomputed load of one resource in one period.
struct ResourceLoad {
    run_time: f64,
    setup_time: f64,
    capacity: f64,
    needed: f64,
}
