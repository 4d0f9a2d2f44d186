//! The bill-of-materials graph: levels, a topological order, and an MRP-style explosion.
//!
//! [`BomGraph::new`] checks that the BOM is acyclic (a cycle is an [`crate::Error::Input`]
//! that names the whole loop) and computes each item's low-level code: the length of the longest path
//! from an item without parents, so every component sits on a deeper level than all its
//! parents. [`BomGraph::explode`] pushes external demand down the levels, lot-for-lot, with
//! lead-time offsets, optionally netted against inventory and scheduled receipts.
//!
//! The graph is kept twice: as a petgraph [`DiGraph`] (node `n` is item `n`, edge parent ->
//! component weighted by the quantity) for graph algorithms, and as flat adjacency arrays
//! (compressed rows, sorted by item index) for the hot loops.

use crate::error::{Diagnostic, Diagnostics, InputError, Result};
use crate::grid::Grid;
use crate::input::PlanInput;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::VecDeque;

/// The file BOM diagnostics point at.
const BOM_FILE: &str = "bom.csv";

/// Adjacency lists in compressed-row form: the neighbours of `item_idx` are
/// `items[start[item_idx]..start[item_idx + 1]]`, in the order they were given.
#[derive(Debug, Clone, Default)]
struct Adjacency {
    start: Vec<usize>,
    items: Vec<usize>,
    quantities: Vec<f64>,
}

impl Adjacency {
    /// Builds the rows from `(row, neighbour, quantity)` triples sorted by row.
    fn from_sorted(n_items: usize, triples: &[(usize, usize, f64)]) -> Self {
        let mut start = vec![0; n_items + 1];
        for &(row, _, _) in triples {
            start[row + 1] += 1;
        }
        for row in 0..n_items {
            start[row + 1] += start[row];
        }
        let items = triples.iter().map(|&(_, neighbour, _)| neighbour).collect();
        let quantities = triples.iter().map(|&(_, _, quantity)| quantity).collect();
        Adjacency { start, items, quantities }
    }

    /// The neighbours of `item_idx` and their quantities (empty when out of range).
    fn row(&self, item_idx: usize) -> (&[usize], &[f64]) {
        let range = match (self.start.get(item_idx), self.start.get(item_idx + 1)) {
            (Some(&from), Some(&to)) => from..to,
            _ => 0..0,
        };
        (&self.items[range.clone()], &self.quantities[range])
    }

    /// The neighbours of `item_idx` with their quantities.
    fn pairs(&self, item_idx: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let (items, quantities) = self.row(item_idx);
        items.iter().copied().zip(quantities.iter().copied())
    }
}

/// The BOM as a graph, with low-level codes and a topological order.
#[derive(Debug, Clone)]
pub struct BomGraph {
    /// Node `n` carries item index `n`; edges go parent -> component, weighted by quantity.
    graph: DiGraph<usize, f64>,
    /// Components of each item (parent -> component).
    components: Adjacency,
    /// Parents of each item (component -> parent).
    parents: Adjacency,
    /// Low-level code per item.
    low_level_codes: Vec<usize>,
    /// Items by low-level code, ties by item index.
    topological_order: Vec<usize>,
}

/// Whether [`BomGraph::explode`] nets requirements against stock before offsetting them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Netting {
    /// Every gross requirement becomes a release (lot-for-lot), ignoring stock.
    Gross,
    /// Requirements are first covered by initial inventory and scheduled receipts
    /// (projected on hand, MRP style); only the shortfall is released.
    Net,
}

/// The result of [`BomGraph::explode`]: one row per item.
#[derive(Debug, Clone, PartialEq)]
pub struct Explosion {
    /// Gross requirement: external demand plus what the parents' releases consume.
    pub gross: Grid<f64>,
    /// Net requirement: the part of the gross requirement not covered by stock (equal to
    /// `gross` with [`Netting::Gross`]). It must be available in its period.
    pub net: Grid<f64>,
    /// Planned releases: lot starts (make) or orders (buy), the net requirement moved earlier
    /// by the lead time.
    pub releases: Grid<f64>,
    /// Per item: the quantity that would have to be released before period 1 (the lead time
    /// is too long for demand that early). Its own components are not exploded.
    pub releases_before_horizon: Vec<f64>,
}

impl Explosion {
    /// Gross requirement of `item_idx` in period `t` (0 out of range).
    pub fn gross(&self, item_idx: usize, t: usize) -> f64 {
        self.gross.get(item_idx, t).copied().unwrap_or(0.0)
    }

    /// Net requirement of `item_idx` in period `t` (0 out of range).
    pub fn net(&self, item_idx: usize, t: usize) -> f64 {
        self.net.get(item_idx, t).copied().unwrap_or(0.0)
    }

    /// Planned release of `item_idx` in period `t` (0 out of range).
    pub fn release(&self, item_idx: usize, t: usize) -> f64 {
        self.releases.get(item_idx, t).copied().unwrap_or(0.0)
    }
}

impl BomGraph {
    /// Builds the graph of `input.bom`.
    ///
    /// Errors: an edge naming an item index out of range (a broken [`PlanInput`]), or a cycle,
    /// reported once per cycle as `BOM cycle: A -> B -> C -> A` (item ids, starting from the
    /// smallest item index in the loop). A repeated (parent, component) pair is merged by
    /// adding the quantities.
    pub fn new(input: &PlanInput) -> Result<Self> {
        let n_items = input.items.len();
        let edges = merged_edges(input)?;
        let components = Adjacency::from_sorted(n_items, &edges);
        // Parents in the order of their first edge in bom.csv (the order every sum over the
        // parents of a component has always used).
        let mut first_edge = std::collections::HashMap::new();
        for (position, edge) in input.bom.iter().enumerate() {
            first_edge.entry((edge.parent, edge.component)).or_insert(position);
        }
        let mut reversed: Vec<(usize, usize, f64)> =
            edges.iter().map(|&(parent, component, qty)| (component, parent, qty)).collect();
        reversed.sort_by_key(|&(component, parent, _)| (component, first_edge.get(&(parent, component)).copied()));
        let parents = Adjacency::from_sorted(n_items, &reversed);

        let mut graph = DiGraph::with_capacity(n_items, edges.len());
        for item_idx in 0..n_items {
            graph.add_node(item_idx);
        }
        for &(parent, component, quantity) in &edges {
            graph.add_edge(NodeIndex::new(parent), NodeIndex::new(component), quantity);
        }

        let Some(low_level_codes) = low_level_codes(&components, &parents, n_items) else {
            return Err(cycle_error(input, &graph, &components).into());
        };
        let mut topological_order: Vec<usize> = (0..n_items).collect();
        topological_order.sort_by_key(|&item_idx| low_level_codes[item_idx]);
        Ok(BomGraph { graph, components, parents, low_level_codes, topological_order })
    }

    /// The petgraph graph: node `n` carries item index `n`, edges parent -> component.
    pub fn graph(&self) -> &DiGraph<usize, f64> {
        &self.graph
    }

    /// Number of items (nodes).
    pub fn n_items(&self) -> usize {
        self.low_level_codes.len()
    }

    /// Number of distinct (parent, component) edges.
    pub fn n_edges(&self) -> usize {
        self.graph.edge_count()
    }

    /// Components of `item_idx` with their quantity per parent unit, sorted by item index.
    pub fn components(&self, item_idx: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.components.pairs(item_idx)
    }

    /// Parents using `item_idx`, with the quantity per parent unit, in bom.csv order.
    pub fn where_used(&self, item_idx: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.parents.pairs(item_idx)
    }

    /// Low-level code: 0 for an item without parents, else one more than its deepest parent
    /// (0 for an index out of range).
    pub fn low_level_code(&self, item_idx: usize) -> usize {
        self.low_level_codes.get(item_idx).copied().unwrap_or(0)
    }

    /// Number of levels (largest low-level code + 1; 0 when there are no items).
    pub fn depth(&self) -> usize {
        self.low_level_codes.iter().max().map_or(0, |&code| code + 1)
    }

    /// Every item index, parents before their components: by low-level code, ties by index.
    pub fn topological_order(&self) -> &[usize] {
        &self.topological_order
    }

    /// Explodes external demand (row-major `item_idx * T + t`, e.g.
    /// [`crate::plan::demand::Demand::planned_table`]; missing cells read as 0) through the BOM,
    /// lot-for-lot, level by level.
    ///
    /// An item's gross requirement is its external demand plus, over its parents, quantity
    /// times the parent's release in the same period. With [`Netting::Net`] it is first
    /// covered by projected on hand (initial inventory plus scheduled receipts; safety stock
    /// is not kept). The net requirement in `t` is released in `t - lead_time`; what would be
    /// released before period 1 is summed in [`Explosion::releases_before_horizon`].
    /// Lot-size rules (min lot, multiple, max lot) are not applied.
    pub fn explode(&self, input: &PlanInput, demand: &Grid<f64>, netting: Netting) -> Explosion {
        let n_items = self.n_items();
        let n_periods = input.n_periods();
        let mut gross = Grid::new(n_items, n_periods, 0.0);
        for (cell, &quantity) in gross.cells_mut().iter_mut().zip(demand.cells()) {
            *cell = quantity;
        }
        let mut net = Grid::new(n_items, n_periods, 0.0);
        let mut releases = Grid::new(n_items, n_periods, 0.0);
        let mut releases_before_horizon = vec![0.0; n_items];
        let receipts = match netting {
            Netting::Net => input.receipt_grid(),
            Netting::Gross => Grid::default(),
        };

        for &item_idx in &self.topological_order {
            let item = input.items.get(item_idx);
            match netting {
                Netting::Gross => net.row_mut(item_idx).copy_from_slice(gross.row(item_idx)),
                Netting::Net => net_requirements(
                    gross.row(item_idx),
                    if item_idx < receipts.rows() { receipts.row(item_idx) } else { &[] },
                    item.map_or(0.0, |it| it.initial_inventory),
                    net.row_mut(item_idx),
                ),
            }
            let lead_time = item.map_or(0, |it| it.lead_time);
            releases_before_horizon[item_idx] =
                offset_by_lead_time(net.row(item_idx), lead_time, releases.row_mut(item_idx));
            for (component, quantity) in self.components(item_idx) {
                let (parent_releases, component_gross) = (releases.row(item_idx), gross.row_mut(component));
                for (cell, &release) in component_gross.iter_mut().zip(parent_releases) {
                    *cell += quantity * release;
                }
            }
        }
        Explosion { gross, net, releases, releases_before_horizon }
    }
}

/// The BOM edges as sorted `(parent, component, quantity)` triples, repeated pairs merged;
/// an error for every edge naming an item index out of range.
fn merged_edges(input: &PlanInput) -> Result<Vec<(usize, usize, f64)>, InputError> {
    let n_items = input.items.len();
    let mut diagnostics = Diagnostics::new();
    for (edge_idx, edge) in input.bom.iter().enumerate() {
        for (column, item_idx) in [("parent", edge.parent), ("component", edge.component)] {
            if item_idx >= n_items {
                diagnostics.push(Diagnostic::cell(
                    BOM_FILE,
                    edge_idx + 2,
                    column,
                    item_idx.to_string(),
                    format!("item index out of range (there are {n_items} items)"),
                ));
            }
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics.into_problems());
    }
    let mut edges: Vec<(usize, usize, f64)> = input.bom.iter().map(|e| (e.parent, e.component, e.quantity)).collect();
    edges.sort_by_key(|&(parent, component, _)| (parent, component));
    let mut merged: Vec<(usize, usize, f64)> = Vec::with_capacity(edges.len());
    for edge in edges {
        match merged.last_mut() {
            Some(last) if (last.0, last.1) == (edge.0, edge.1) => last.2 += edge.2,
            _ => merged.push(edge),
        }
    }
    Ok(merged)
}

/// Low-level codes by Kahn's algorithm (longest path from a root), or `None` when some item
/// is on a cycle or below one.
fn low_level_codes(components: &Adjacency, parents: &Adjacency, n_items: usize) -> Option<Vec<usize>> {
    let mut unprocessed_parents: Vec<usize> = (0..n_items).map(|item_idx| parents.row(item_idx).0.len()).collect();
    let mut codes = vec![0; n_items];
    let mut ready: VecDeque<usize> = (0..n_items).filter(|&item_idx| unprocessed_parents[item_idx] == 0).collect();
    let mut n_processed = 0;
    while let Some(item_idx) = ready.pop_front() {
        n_processed += 1;
        let code_below = codes[item_idx] + 1;
        for &component in components.row(item_idx).0 {
            codes[component] = codes[component].max(code_below);
            unprocessed_parents[component] -= 1;
            if unprocessed_parents[component] == 0 {
                ready.push_back(component);
            }
        }
    }
    (n_processed == n_items).then_some(codes)
}

/// One diagnostic per cycle (strongly connected component with a loop), in order of the
/// smallest item index on it.
fn cycle_error(input: &PlanInput, graph: &DiGraph<usize, f64>, components: &Adjacency) -> InputError {
    let mut loops: Vec<Vec<usize>> = tarjan_scc(graph)
        .into_iter()
        .map(|scc| scc.into_iter().map(NodeIndex::index).collect::<Vec<usize>>())
        .filter(|scc| scc.len() > 1 || scc.iter().any(|&i| components.row(i).0.contains(&i)))
        .collect();
    for scc in &mut loops {
        scc.sort_unstable();
    }
    loops.sort_unstable_by_key(|scc| scc.first().copied());
    let mut diagnostics = Diagnostics::new();
    for scc in &loops {
        let walk = walk_cycle(scc, components, graph.node_count());
        let ids: Vec<&str> =
            walk.iter().map(|&item_idx| input.items.get(item_idx).map_or("?", |item| item.id.as_str())).collect();
        diagnostics.push(Diagnostic::file(BOM_FILE, format!("BOM cycle: {}", ids.join(" -> "))));
    }
    diagnostics.into_problems()
}

/// A shortest loop through the smallest item of the strongly connected component `scc`
/// (sorted), following parent -> component, preferring smaller item indexes on ties; the
/// first item is repeated at the end.
fn walk_cycle(scc: &[usize], components: &Adjacency, n_items: usize) -> Vec<usize> {
    let Some(&start) = scc.first() else {
        return Vec::new();
    };
    let mut in_scc = vec![false; n_items];
    for &item_idx in scc {
        in_scc[item_idx] = true;
    }
    // Breadth-first search from `start`; `came_from` marks visited items.
    let mut came_from: Vec<Option<usize>> = vec![None; n_items];
    let mut queue = VecDeque::from([start]);
    let mut last = None;
    'search: while let Some(item_idx) = queue.pop_front() {
        for &component in components.row(item_idx).0 {
            if component == start {
                last = Some(item_idx);
                break 'search;
            }
            if in_scc[component] && came_from[component].is_none() {
                came_from[component] = Some(item_idx);
                queue.push_back(component);
            }
        }
    }
    let mut walk_back = Vec::new();
    let mut cursor = last;
    while let Some(item_idx) = cursor {
        if item_idx == start {
            break;
        }
        walk_back.push(item_idx);
        cursor = came_from[item_idx];
    }
    let mut walk = Vec::with_capacity(walk_back.len() + 2);
    walk.push(start);
    walk.extend(walk_back.into_iter().rev());
    walk.push(start);
    walk
}

/// MRP netting of one item: projected on hand starts at `initial_inventory`, receives
/// `receipts[t]` and covers `gross[t]`; whatever it cannot cover is the net requirement.
fn net_requirements(gross: &[f64], receipts: &[f64], initial_inventory: f64, net: &mut [f64]) {
    let mut on_hand = initial_inventory;
    for (t, (net_cell, &need)) in net.iter_mut().zip(gross).enumerate() {
        let available = on_hand + receipts.get(t).copied().unwrap_or(0.0);
        let shortfall = (need - available).max(0.0);
        *net_cell = shortfall;
        on_hand = (available - need).max(0.0);
    }
}

/// Moves each `net[t]` to `releases[t - lead_time]`; returns what falls before period 0.
fn offset_by_lead_time(net: &[f64], lead_time: usize, releases: &mut [f64]) -> f64 {
    let mut before_horizon = 0.0;
    for (t, &quantity) in net.iter().enumerate() {
        match t.checked_sub(lead_time) {
            Some(release_t) => releases[release_t] += quantity,
            None => before_horizon += quantity,
        }
    }
    before_horizon
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{BomEdge, Bucket, Horizon, Item, ItemKind, PlanInput, Receipt};
    use chrono::NaiveDate;

    fn plan(items: &[(&str, ItemKind, usize)], edges: &[(usize, usize, f64)], n_periods: usize) -> PlanInput {
        let horizon = Horizon {
            start: NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date"),
            bucket: Bucket::Week,
            periods: n_periods,
        };
        PlanInput {
            items: items.iter().map(|&(id, kind, lead_time)| Item { lead_time, ..Item::new(id, kind) }).collect(),
            bom: edges.iter().map(|&(parent, component, quantity)| BomEdge { parent, component, quantity }).collect(),
            ..PlanInput::new(horizon)
        }
    }

    fn cycle_messages(input: &PlanInput) -> Vec<String> {
        match BomGraph::new(input) {
            Ok(_) => panic!("expected a cycle error"),
            Err(error) => {
                let error = error.problems().expect("located problems");
                assert!(error.diagnostics.iter().all(|d| d.file == "bom.csv" && d.row.is_none()));
                error.diagnostics.iter().map(|d| d.message.clone()).collect()
            }
        }
    }

    const MAKE: ItemKind = ItemKind::Make;
    const BUY: ItemKind = ItemKind::Buy;

    /// A (L1) needs 2 B + 1 C; D (L0) needs 3 C; B (L1) needs 1 C; C is bought (L2).
    /// C is used on level 1 (by A and D) and level 2 (by B).
    fn three_level() -> PlanInput {
        plan(
            &[("A", MAKE, 1), ("B", MAKE, 1), ("C", BUY, 2), ("D", MAKE, 0)],
            &[(0, 1, 2.0), (0, 2, 1.0), (3, 2, 3.0), (1, 2, 1.0)],
            4,
        )
    }

    /// External demand for [`three_level`]: A [0,5,0,10], D [0,0,4,0], C [1,0,0,0].
    /// A grid of `periods` columns from row-major cells.
    fn grid(periods: usize, cells: &[f64]) -> Grid<f64> {
        Grid::from_cells(periods, cells.to_vec()).expect("whole rows")
    }

    fn three_level_demand() -> Grid<f64> {
        grid(
            4,
            &[
                0.0, 5.0, 0.0, 10.0, // A
                0.0, 0.0, 0.0, 0.0, // B
                1.0, 0.0, 0.0, 0.0, // C
                0.0, 0.0, 4.0, 0.0, // D
            ],
        )
    }

    #[test]
    fn levels_and_order_when_a_component_is_on_two_levels() {
        let bom = BomGraph::new(&three_level()).expect("acyclic");
        let codes: Vec<usize> = (0..4).map(|i| bom.low_level_code(i)).collect();
        assert_eq!(codes, [0, 1, 2, 0]);
        assert_eq!(bom.depth(), 3);
        assert_eq!(bom.topological_order(), [0, 3, 1, 2]);
        assert_eq!(bom.components(0).collect::<Vec<_>>(), [(1, 2.0), (2, 1.0)]);
        // Parents in bom.csv order (the edges name C as a component of A, D, then B).
        assert_eq!(bom.where_used(2).collect::<Vec<_>>(), [(0, 1.0), (3, 3.0), (1, 1.0)]);
        assert_eq!(bom.where_used(0).collect::<Vec<_>>(), []);
        assert_eq!(bom.components(99).collect::<Vec<_>>(), []);
        assert_eq!(bom.n_edges(), 4);
    }

    #[test]
    fn empty_bom_and_no_items() {
        let bom = BomGraph::new(&plan(&[], &[], 2)).expect("nothing to check");
        assert_eq!(bom.depth(), 0);
        assert!(bom.topological_order().is_empty());
        let single = BomGraph::new(&plan(&[("X", BUY, 0)], &[], 2)).expect("acyclic");
        assert_eq!(single.depth(), 1);
    }

    #[test]
    fn gross_explosion_hand_worked() {
        let input = three_level();
        let bom = BomGraph::new(&input).expect("acyclic");
        let explosion = bom.explode(&input, &three_level_demand(), Netting::Gross);
        // A: releases one period early. D: no lead time.
        // B gross = 2 * A releases = [10,0,20,0]; need in t0 cannot be started in time.
        // C gross = [1,0,0,0] + A [5,0,10,0] + 3 * D [0,0,4,0] + B [0,20,0,0] = [6,20,22,0];
        // lead time 2: 6 + 20 before the horizon, 22 released in t0.
        #[rustfmt::skip]
        let gross = [
            0.0, 5.0, 0.0, 10.0,
            10.0, 0.0, 20.0, 0.0,
            6.0, 20.0, 22.0, 0.0,
            0.0, 0.0, 4.0, 0.0,
        ];
        #[rustfmt::skip]
        let releases = [
            5.0, 0.0, 10.0, 0.0,
            0.0, 20.0, 0.0, 0.0,
            22.0, 0.0, 0.0, 0.0,
            0.0, 0.0, 4.0, 0.0,
        ];
        assert_eq!(explosion.gross.cells(), gross);
        assert_eq!(explosion.net.cells(), gross);
        assert_eq!(explosion.releases.cells(), releases);
        assert_eq!(explosion.releases_before_horizon, [0.0, 10.0, 26.0, 0.0]);
        assert_eq!(explosion.release(2, 0), 22.0);
        assert_eq!(explosion.gross(1, 2), 20.0);
        assert_eq!(explosion.release(2, 4), 0.0);
    }

    #[test]
    fn net_explosion_hand_worked() {
        let mut input = three_level();
        input.items[0].initial_inventory = 3.0;
        input.items[1].initial_inventory = 5.0;
        input.items[2].initial_inventory = 10.0;
        input.receipts =
            vec![Receipt { item: 2, period: 1, quantity: 15.0 }, Receipt { item: 1, period: 2, quantity: 4.0 }];
        let bom = BomGraph::new(&input).expect("acyclic");
        let explosion = bom.explode(&input, &three_level_demand(), Netting::Net);
        // A: on hand 3 covers 3 of the 5 in t1 -> net [0,2,0,10], releases [2,0,10,0].
        // B: gross 2*A = [4,0,20,0]; on hand 5 -> 1 left; t2: 1 + receipt 4 = 5 vs 20 -> 15.
        //    net [0,0,15,0], releases [0,15,0,0].
        // C: gross [1,0,0,0] + [2,0,10,0] + [0,0,12,0] + [0,15,0,0] = [3,15,22,0];
        //    on hand 10 -> 7; t1: 7 + 15 = 22 vs 15 -> 7; t2: 7 vs 22 -> 15.
        //    net [0,0,15,0], lead time 2 -> released in t0.
        #[rustfmt::skip]
        let gross = [
            0.0, 5.0, 0.0, 10.0,
            4.0, 0.0, 20.0, 0.0,
            3.0, 15.0, 22.0, 0.0,
            0.0, 0.0, 4.0, 0.0,
        ];
        #[rustfmt::skip]
        let net = [
            0.0, 2.0, 0.0, 10.0,
            0.0, 0.0, 15.0, 0.0,
            0.0, 0.0, 15.0, 0.0,
            0.0, 0.0, 4.0, 0.0,
        ];
        #[rustfmt::skip]
        let releases = [
            2.0, 0.0, 10.0, 0.0,
            0.0, 15.0, 0.0, 0.0,
            15.0, 0.0, 0.0, 0.0,
            0.0, 0.0, 4.0, 0.0,
        ];
        assert_eq!(explosion.gross.cells(), gross);
        assert_eq!(explosion.net.cells(), net);
        assert_eq!(explosion.releases.cells(), releases);
        assert_eq!(explosion.releases_before_horizon, [0.0; 4]);
    }

    #[test]
    fn net_releases_before_horizon_when_stock_runs_short_early() {
        // One bought item, lead time 2, on hand 4, demand [6, 1, 3]: t0 short by 2, t1 by 1
        // (both too early to order), t2 by 3 (ordered in t0).
        let mut input = plan(&[("P", BUY, 2)], &[], 3);
        input.items[0].initial_inventory = 4.0;
        let bom = BomGraph::new(&input).expect("acyclic");
        let explosion = bom.explode(&input, &grid(3, &[6.0, 1.0, 3.0]), Netting::Net);
        assert_eq!(explosion.net.cells(), [2.0, 1.0, 3.0]);
        assert_eq!(explosion.releases.cells(), [3.0, 0.0, 0.0]);
        assert_eq!(explosion.releases_before_horizon, [3.0]);
    }

    /// Tiny deterministic generator (64-bit LCG) for random test instances.
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    /// Gross explosion by brute force: every unit of demand is walked down every BOM path
    /// recursively, independent of levels and of the flat tables.
    fn explode_by_paths(input: &PlanInput, demand: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let n_periods = input.n_periods();
        let n_items = input.items.len();
        let mut gross = vec![0.0; n_items * n_periods];
        let mut releases = vec![0.0; n_items * n_periods];
        let mut before = vec![0.0; n_items];
        fn walk(
            input: &PlanInput,
            item: usize,
            t: usize,
            quantity: f64,
            out: (&mut Vec<f64>, &mut Vec<f64>, &mut Vec<f64>),
        ) {
            let (gross, releases, before) = out;
            let n_periods = input.n_periods();
            gross[item * n_periods + t] += quantity;
            let lead_time = input.items[item].lead_time;
            if t < lead_time {
                before[item] += quantity;
                return;
            }
            let release_t = t - lead_time;
            releases[item * n_periods + release_t] += quantity;
            for edge in input.bom.iter().filter(|e| e.parent == item) {
                let out = (&mut *gross, &mut *releases, &mut *before);
                walk(input, edge.component, release_t, quantity * edge.quantity, out);
            }
        }
        for item in 0..n_items {
            for t in 0..n_periods {
                let quantity = demand[item * n_periods + t];
                if quantity != 0.0 {
                    walk(input, item, t, quantity, (&mut gross, &mut releases, &mut before));
                }
            }
        }
        (gross, releases, before)
    }

    #[test]
    fn gross_explosion_matches_path_enumeration_on_random_dags() {
        let mut rng = Lcg(7);
        for _case in 0..40 {
            let n_items = 2 + rng.below(9);
            let n_periods = 1 + rng.below(6);
            let kinds: Vec<(String, usize)> = (0..n_items).map(|i| (format!("I{i}"), rng.below(3))).collect();
            let items: Vec<(&str, ItemKind, usize)> =
                kinds.iter().map(|(id, lead)| (id.as_str(), MAKE, *lead)).collect();
            // Edges only from a lower to a higher index: acyclic by construction.
            let mut edges = Vec::new();
            for parent in 0..n_items {
                for component in parent + 1..n_items {
                    if rng.below(3) == 0 {
                        edges.push((parent, component, (1 + rng.below(4)) as f64 * 0.5));
                    }
                }
            }
            let input = plan(&items, &edges, n_periods);
            let demand: Vec<f64> = (0..n_items * n_periods).map(|_| rng.below(3) as f64 * 2.0).collect();
            let bom = BomGraph::new(&input).expect("acyclic");
            let explosion = bom.explode(&input, &grid(n_periods, &demand), Netting::Gross);
            let (gross, releases, before) = explode_by_paths(&input, &demand);
            let close = |a: &[f64], b: &[f64]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9);
            assert!(close(explosion.gross.cells(), &gross), "{edges:?}");
            assert!(close(explosion.releases.cells(), &releases), "{edges:?}");
            assert!(close(&explosion.releases_before_horizon, &before), "{edges:?}");
            // Without stock, netting changes nothing.
            assert_eq!(bom.explode(&input, &grid(n_periods, &demand), Netting::Net), explosion);
            // Low-level codes: every component strictly below each parent.
            for &(parent, component, _) in &edges {
                assert!(bom.low_level_code(component) > bom.low_level_code(parent));
            }
        }
    }

    #[test]
    fn three_cycle_names_the_whole_loop_from_the_smallest_index() {
        // Items: T0 (tail into the loop), B, C, A, T1 (tail out of the loop).
        let input = plan(
            &[("T0", MAKE, 0), ("B", MAKE, 0), ("C", MAKE, 0), ("A", MAKE, 0), ("T1", BUY, 0)],
            &[(3, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (0, 3, 1.0), (2, 4, 1.0)],
            2,
        );
        assert_eq!(cycle_messages(&input), ["BOM cycle: B -> C -> A -> B"]);
    }

    #[test]
    fn two_disjoint_cycles_give_one_diagnostic_each() {
        let input = plan(
            &[("U", MAKE, 0), ("X", MAKE, 0), ("V", MAKE, 0), ("Y", MAKE, 0), ("W", MAKE, 0)],
            // X <-> Y, and U -> V -> W -> U.
            &[(1, 3, 1.0), (3, 1, 2.0), (0, 2, 1.0), (2, 4, 1.0), (4, 0, 1.0)],
            2,
        );
        assert_eq!(cycle_messages(&input), ["BOM cycle: U -> V -> W -> U", "BOM cycle: X -> Y -> X"]);
    }

    #[test]
    fn self_loop_and_shared_node_loops() {
        let self_loop = plan(&[("S", MAKE, 0), ("K", BUY, 0)], &[(0, 1, 1.0), (0, 0, 1.0)], 1);
        assert_eq!(cycle_messages(&self_loop), ["BOM cycle: S -> S"]);
        // A -> C -> A and A -> B -> D -> A share A: one component, the shortest loop shown.
        let shared = plan(
            &[("A", MAKE, 0), ("B", MAKE, 0), ("C", MAKE, 0), ("D", MAKE, 0)],
            &[(0, 1, 1.0), (1, 3, 1.0), (3, 0, 1.0), (0, 2, 1.0), (2, 0, 1.0)],
            1,
        );
        assert_eq!(cycle_messages(&shared), ["BOM cycle: A -> C -> A"]);
    }

    #[test]
    fn repeated_pairs_merge_and_bad_indexes_are_errors() {
        let input = plan(&[("P", MAKE, 0), ("K", BUY, 0)], &[(0, 1, 1.0), (0, 1, 2.5)], 1);
        let bom = BomGraph::new(&input).expect("acyclic");
        assert_eq!(bom.components(0).collect::<Vec<_>>(), [(1, 3.5)]);
        let broken = plan(&[("P", MAKE, 0)], &[(0, 4, 1.0)], 1);
        let error = BomGraph::new(&broken).expect_err("index out of range");
        let error = error.problems().expect("located problems");
        assert_eq!(error.diagnostics.len(), 1);
        assert_eq!(error.diagnostics[0].row, Some(2));
        assert_eq!(error.diagnostics[0].column.as_deref(), Some("component"));
    }

    #[test]
    fn short_demand_slice_reads_as_zero() {
        let input = three_level();
        let bom = BomGraph::new(&input).expect("acyclic");
        // Only A's row is given, with demand 1 in t1: A releases 1 in t0, so B needs 2 and C
        // needs 1 in t0, both too late to start.
        let explosion = bom.explode(&input, &grid(4, &[0.0, 1.0, 0.0, 0.0]), Netting::Gross);
        assert_eq!(explosion.releases_before_horizon, [0.0, 2.0, 1.0, 0.0]);
        assert_eq!(explosion.release(0, 0), 1.0);
    }
}
