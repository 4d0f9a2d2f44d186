//! Multi-level capacitated lot-sizing instances in the style of Tempelmeier & Derstroff (1996),
//! classes 1-6 (`../shared/benchmarks/tempelmeier_class1_6/`, from MichaelSimois/mlclsplb_eerm).
//!
//! # Files (whitespace separated; each ends with a `#k meaning` legend, which is not read)
//!
//! An instance is named by its capacity file `<c><S><R><k>_<u><s>.cap` (class `c` 1-6, product
//! structure `S` = `A` assembly or `G` general, resource assignment `R`, demand series `k`,
//! utilisation profile `u`, setup-time profile `s`) plus a setup-cost variant `j`:
//!
//! ```text
//! <c><S><R>.dat      N; resources M; periods T; N lines `item holding_cost unit_time resource`;
//!                    arcs A; A lines `component parent quantity lead_time`
//! <c><S>_<k>.dem     `N id_1 .. id_N`; T lines `period d_1 .. d_N`;
//!                    N lines `item initial_inventory preproduction`
//! <c><S>_<k><j>.sco  N lines `item setup_cost`
//! <c>_____<s>.set    N lines `item setup_time`
//! <c><S><R><k>_<u><s>.cap   M lines `resource capacity_1 .. capacity_T`
//! ```
//!
//! # Mapping to a plan directory
//!
//! Every item is a `make` item (`P01`, ...) produced on its one resource (`R1`, ...) with its
//! unit time, setup time and setup cost; its holding cost is the file's (these are full costs:
//! each item's cost exceeds the sum over its components by its own value added, 1 in every
//! file), no backlog, its initial inventory. Demand is given for every item (components have
//! external demand too): one order per item and period with positive demand, due on the
//! period's first day. Capacity per resource and period, no overtime.
//!
//! A component's lead time is the lead time of its arcs (all arcs leaving a component must
//! agree; every file has 1), read as the lead time of the item, as in Tempelmeier &
//! Derstroff's and Stadtler's formulations (`q[k, t - z_k]` enters `k`'s balance in `t`): a lot
//! started in period `t` is available in `t + lead_time`, for parents and customers alike.
//! End items have lead time 0.
//!
//! Under this reading the class 3 and 4 files are infeasible in period 1: for a few components
//! the initial stock does not cover both the component's own period-1 demand and its parents'
//! period-1 needs, and nothing made in period 1 arrives before period 2 (`plan` says which).
//! Reading the lead time as the arc's only (the component's customers served from the period it
//! is made) was tried with pass-through items; it fails in period 1 of every class, because the
//! parents' period-1 needs then have no stock to draw on.
//!
//! # What is not known
//!
//! The source gives no objective values, and the file naming of `.cap` and `.set` was decoded
//! from the file lists, not documented. Tempelmeier & Derstroff's model also allows paid
//! overtime, whose cost is not in these files: the import keeps capacity hard, so an instance
//! may be infeasible where the original had overtime. A non-zero `preproduction` (zero in every
//! file) is refused rather than guessed. The objective (setup plus holding cost) is therefore
//! flexplan's, not comparable with published figures.

use super::trigeiro::{dimension, non_negative, numeric_lines, NumberLine, HORIZON_START};
use crate::error::{Error, Result};
use crate::input::{BomEdge, Bucket, Horizon, Item, ItemKind, PlanInput, Resource, Routing};
use std::path::{Path, PathBuf};

/// The five files of one instance and the setup-cost variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TempelmeierFiles {
    /// Instance name: the capacity file's stem and the cost variant, e.g. `1AA1_11-c1`.
    pub name: String,
    /// Items, resources, periods, costs and the product structure.
    pub dat: PathBuf,
    /// Demand, initial inventory.
    pub dem: PathBuf,
    /// Setup costs.
    pub sco: PathBuf,
    /// Setup times.
    pub set: PathBuf,
    /// Capacity per resource and period.
    pub cap: PathBuf,
}

impl TempelmeierFiles {
    /// The files of the instance named by `cap` (`<c><S><R><k>_<u><s>.cap`) with setup-cost
    /// variant `costs` (the `j` of `<c><S>_<k><j>.sco`), all in `cap`'s folder.
    pub fn for_capacity_file(cap: &Path, costs: u32) -> Result<TempelmeierFiles> {
        let format = |message: String| Error::Format { path: cap.to_path_buf(), line: 0, message };
        let stem = cap.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let chars: Vec<char> = stem.chars().collect();
        let well_formed = chars.len() == 7
            && chars[0].is_ascii_digit()
            && matches!(chars[1], 'A' | 'G')
            && chars[2].is_ascii_alphabetic()
            && chars[3].is_ascii_digit()
            && chars[4] == '_'
            && chars[5].is_ascii_digit()
            && chars[6].is_ascii_digit();
        if !well_formed || cap.extension().is_none_or(|e| e != "cap") {
            return Err(format(format!(
                "expected a capacity file named like `1AA1_11.cap` (<class><A|G><resources><demand>_<utilisation><setup times>), found `{}`",
                cap.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            )));
        }
        let dir = cap.parent().unwrap_or(Path::new("."));
        let (class, structure, resources, demand, setups) = (chars[0], chars[1], chars[2], chars[3], chars[6]);
        Ok(TempelmeierFiles {
            name: format!("{stem}-c{costs}"),
            dat: dir.join(format!("{class}{structure}{resources}.dat")),
            dem: dir.join(format!("{class}{structure}_{demand}.dem")),
            sco: dir.join(format!("{class}{structure}_{demand}{costs}.sco")),
            set: dir.join(format!("{class}_____{setups}.set")),
            cap: cap.to_path_buf(),
        })
    }
}

/// One item of an instance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TempelmeierItem {
    /// Holding cost per unit and period.
    pub holding_cost: f64,
    /// Capacity used per unit produced.
    pub unit_time: f64,
    /// 0-based index of the resource that produces it.
    pub resource: usize,
    /// Capacity used by a setup.
    pub setup_time: f64,
    /// Cost of a setup.
    pub setup_cost: f64,
    /// Stock at the start of period 1.
    pub initial_inventory: f64,
    /// Periods between the start of a lot and its availability (its arcs' lead time; 0 for end
    /// items).
    pub lead_time: usize,
}

/// An arc of the product structure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TempelmeierArc {
    /// 0-based index of the component.
    pub component: usize,
    /// 0-based index of the parent.
    pub parent: usize,
    /// Units of the component per unit of the parent.
    pub quantity: f64,
}

/// A parsed instance.
#[derive(Debug, Clone, PartialEq)]
pub struct TempelmeierInstance {
    /// See [`TempelmeierFiles::name`].
    pub name: String,
    /// Number of periods `T`.
    pub n_periods: usize,
    /// The items.
    pub items: Vec<TempelmeierItem>,
    /// The product structure.
    pub arcs: Vec<TempelmeierArc>,
    /// Capacity, indexed `[resource][period]`.
    pub capacity: Vec<Vec<f64>>,
    /// Demand, indexed `item * T + t` (0-based period).
    pub demand: Vec<f64>,
}

/// Reads the five files of an instance.
pub fn read_tempelmeier(files: &TempelmeierFiles) -> Result<TempelmeierInstance> {
    let read = |path: &Path| -> Result<Vec<NumberLine>> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
        numeric_lines(&bytes).map_err(|(line, message)| format_error(path, line, message))
    };
    let mut dat = Reader::new(&files.dat, read(&files.dat)?);
    let n_items = dat.dimension("number of items")?;
    let n_resources = dat.dimension("number of resources")?;
    let n_periods = dat.dimension("number of periods")?;
    let mut items = Vec::with_capacity(n_items);
    for idx in 0..n_items {
        let line = dat.line(&format!("data of item {}", idx + 1), 4)?;
        dat.expect_id(&line, line.values[0], idx + 1, "item")?;
        let holding_cost = dat.non_negative(&line, line.values[1], "holding cost")?;
        let unit_time = dat.non_negative(&line, line.values[2], "unit production time")?;
        let resource = dat.index(&line, line.values[3], n_resources, "resource")?;
        items.push(TempelmeierItem {
            holding_cost,
            unit_time,
            resource,
            setup_time: 0.0,
            setup_cost: 0.0,
            initial_inventory: 0.0,
            lead_time: 0,
        });
    }
    let n_arcs = dat.count("number of arcs")?;
    let mut arcs = Vec::with_capacity(n_arcs);
    let mut lead_times: Vec<Option<(usize, usize)>> = vec![None; n_items];
    for arc in 0..n_arcs {
        let line = dat.line(&format!("arc {}", arc + 1), 4)?;
        let component = dat.index(&line, line.values[0], n_items, "component")?;
        let parent = dat.index(&line, line.values[1], n_items, "parent")?;
        let quantity = line.values[2];
        if quantity <= 0.0 {
            return Err(dat.error(&line, format!("the quantity per parent must be > 0, found {quantity}")));
        }
        let lead = line.values[3];
        if lead.fract() != 0.0 || !(0.0..=n_periods as f64).contains(&lead) {
            return Err(
                dat.error(&line, format!("the lead time must be a whole number in 0..={n_periods}, found {lead}"))
            );
        }
        let lead = lead as usize;
        match lead_times[component] {
            Some((other, other_line)) if other != lead => {
                return Err(dat.error(
                    &line,
                    format!(
                        "component {} has lead time {lead} here and {other} on line {other_line}; flexplan has one lead time per item",
                        component + 1
                    ),
                ))
            }
            _ => lead_times[component] = Some((lead, line.line)),
        }
        arcs.push(TempelmeierArc { component, parent, quantity });
    }
    dat.end()?;
    for (item, lead) in items.iter_mut().zip(&lead_times) {
        item.lead_time = lead.map_or(0, |(lead, _)| lead);
    }

    let mut dem = Reader::new(&files.dem, read(&files.dem)?);
    let header = dem.line("header `N item ids`", n_items + 1)?;
    dem.expect_id(&header, header.values[0], n_items, "number of items")?;
    for (idx, &id) in header.values.iter().skip(1).enumerate() {
        dem.expect_id(&header, id, idx + 1, "item id")?;
    }
    let mut demand = vec![0.0; n_items * n_periods];
    for t in 0..n_periods {
        let line = dem.line(&format!("demand of period {}", t + 1), n_items + 1)?;
        dem.expect_id(&line, line.values[0], t + 1, "period")?;
        for (idx, &value) in line.values.iter().skip(1).enumerate() {
            demand[idx * n_periods + t] = dem.non_negative(&line, value, "demand")?;
        }
    }
    for (idx, item) in items.iter_mut().enumerate() {
        let line = dem.line(&format!("initial inventory of item {}", idx + 1), 3)?;
        dem.expect_id(&line, line.values[0], idx + 1, "item")?;
        item.initial_inventory = dem.non_negative(&line, line.values[1], "initial inventory")?;
        if line.values[2] != 0.0 {
            return Err(dem.error(
                &line,
                format!(
                    "preproduction {} is not supported (its meaning is not documented; 0 in every file)",
                    line.values[2]
                ),
            ));
        }
    }
    dem.end()?;

    for (path, what) in [(&files.sco, "setup cost"), (&files.set, "setup time")] {
        let mut reader = Reader::new(path, read(path)?);
        for (idx, item) in items.iter_mut().enumerate() {
            let line = reader.line(&format!("{what} of item {}", idx + 1), 2)?;
            reader.expect_id(&line, line.values[0], idx + 1, "item")?;
            let value = reader.non_negative(&line, line.values[1], what)?;
            if what == "setup cost" {
                item.setup_cost = value;
            } else {
                item.setup_time = value;
            }
        }
        reader.end()?;
    }

    let mut cap = Reader::new(&files.cap, read(&files.cap)?);
    let mut capacity = Vec::with_capacity(n_resources);
    for resource in 0..n_resources {
        let line = cap.line(&format!("capacity of resource {}", resource + 1), n_periods + 1)?;
        cap.expect_id(&line, line.values[0], resource + 1, "resource")?;
        let row =
            line.values.iter().skip(1).map(|&v| cap.non_negative(&line, v, "capacity")).collect::<Result<_, _>>()?;
        capacity.push(row);
    }
    cap.end()?;
    Ok(TempelmeierInstance { name: files.name.clone(), n_periods, items, arcs, capacity, demand })
}

impl TempelmeierInstance {
    /// The instance as a plan (see the module docs for the mapping).
    pub fn to_plan_input(&self) -> PlanInput {
        let horizon = Horizon { start: HORIZON_START, bucket: Bucket::Week, periods: self.n_periods };
        let items = self
            .items
            .iter()
            .enumerate()
            .map(|(idx, data)| {
                let mut item = Item::new(item_id(idx), ItemKind::Make);
                item.holding_cost = data.holding_cost;
                item.initial_inventory = data.initial_inventory;
                item.lead_time = data.lead_time;
                item
            })
            .collect();
        let bom = self
            .arcs
            .iter()
            .map(|arc| BomEdge { parent: arc.parent, component: arc.component, quantity: arc.quantity })
            .collect();
        let routings = self
            .items
            .iter()
            .enumerate()
            .map(|(idx, data)| Routing::new(idx, data.resource, data.unit_time, data.setup_time, data.setup_cost))
            .collect();
        let resources = self
            .capacity
            .iter()
            .enumerate()
            .map(|(idx, capacity)| Resource {
                id: format!("R{}", idx + 1),
                capacity: capacity.clone(),
                overtime_max: 0.0,
                overtime_cost: 0.0,
            })
            .collect();
        let orders = super::orders_from_demand(&horizon, self.items.len(), |item, t| {
            self.demand.get(item * self.n_periods + t).copied().unwrap_or(0.0)
        });
        PlanInput { items, bom, resources, routings, orders, ..PlanInput::new(horizon) }
    }
}

pub use super::item_id;

fn format_error(path: &Path, line: usize, message: String) -> Error {
    Error::Format { path: path.to_path_buf(), line, message }
}

/// The numeric lines of one file, read in order, with errors that name the file and line.
struct Reader<'a> {
    path: &'a Path,
    lines: std::vec::IntoIter<NumberLine>,
}

impl<'a> Reader<'a> {
    fn new(path: &'a Path, lines: Vec<NumberLine>) -> Self {
        Reader { path, lines: lines.into_iter() }
    }

    fn error(&self, line: &NumberLine, message: String) -> Error {
        format_error(self.path, line.line, message)
    }

    fn line(&mut self, what: &str, width: usize) -> Result<NumberLine> {
        let line =
            self.lines.next().ok_or_else(|| format_error(self.path, 0, format!("the file ends before the {what}")))?;
        if line.values.len() != width {
            let found = line.values.len();
            return Err(self.error(&line, format!("expected {width} number(s) for the {what}, found {found}")));
        }
        Ok(line)
    }

    fn dimension(&mut self, what: &str) -> Result<usize> {
        let line = self.line(what, 1)?;
        dimension(line.values[0], line.line, what).map_err(|(l, m)| format_error(self.path, l, m))
    }

    fn count(&mut self, what: &str) -> Result<usize> {
        let line = self.line(what, 1)?;
        let value = line.values[0];
        if value.fract() != 0.0 || !(0.0..=1e6).contains(&value) {
            return Err(self.error(&line, format!("the {what} must be a whole number >= 0, found {value}")));
        }
        Ok(value as usize)
    }

    fn non_negative(&self, line: &NumberLine, value: f64, what: &str) -> Result<f64> {
        non_negative(value, line.line, what).map_err(|(l, m)| format_error(self.path, l, m))
    }

    /// A 1-based id in `1..=n`, as a 0-based index.
    fn index(&self, line: &NumberLine, value: f64, n: usize, what: &str) -> Result<usize> {
        if value.fract() != 0.0 || !(1.0..=n as f64).contains(&value) {
            return Err(self.error(line, format!("the {what} must be a whole number in 1..={n}, found {value}")));
        }
        Ok(value as usize - 1)
    }

    /// The files list items, periods and resources in order: `value` must be `expected`.
    fn expect_id(&self, line: &NumberLine, value: f64, expected: usize, what: &str) -> Result<()> {
        if value != expected as f64 {
            return Err(self.error(line, format!("expected {what} {expected}, found {value}")));
        }
        Ok(())
    }

    fn end(mut self) -> Result<()> {
        match self.lines.next() {
            Some(extra) => Err(self.error(&extra, "unexpected numbers after the last table".to_string())),
            None => Ok(()),
        }
    }
}
