//! The ways each item is replenished (the options of the spec's section 2), read by the checker
//! from the spec's words, and the way a lot row names.
//!
//! - A `make` item is made on each route its routing rows name: each distinct `route` value is
//!   one route, using exactly the rows that name it (section 1.2). When its rows name no
//!   route, they form its one unnamed route; a make item without rows has one unnamed route
//!   that uses no resource.
//! - An item with rows in `sources.csv` can be bought from each of those suppliers ("make or
//!   buy" for a make item); a `buy` item with sources is bought only from them, and a buy item
//!   without sources from its one unnamed supplier (section 1.3).
//! - A way's values (unit cost, lead time, lot rules, order cost) are its `routes.csv` or
//!   `sources.csv` row's where given, else the item's; `max_per_period` is the source's.
//!
//! A lot row names its way by `route` or `supplier`; both empty name the item's unnamed way.
//! The checker does not use the planner's derivation of the same options (`input::options`):
//! a plan is trusted because a second reading of the spec agrees with it.

use super::files::LotRow;
use super::ViolationKind;
use crate::input::{Item, ItemKind, LotTerms, PlanInput};

/// How a way replenishes its item.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Means {
    /// Made on a route: every lot uses each routing row in `rows` (indices into
    /// `PlanInput::routings`) and consumes the item's components. `route` is an index into
    /// `PlanInput::routes`, `None` for the unnamed route.
    Made { route: Option<usize>, rows: Vec<usize> },
    /// Bought: from the source `source` (an index into `PlanInput::sources`), `None` for the
    /// unnamed supplier of a buy item without sources. Consumes nothing.
    Bought { source: Option<usize> },
}

/// One way to replenish an item, with its values.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Way {
    /// The item it replenishes.
    pub(super) item: usize,
    /// Made on a route or bought from a supplier.
    pub(super) means: Means,
    /// Cost per unit.
    pub(super) unit_cost: f64,
    /// Periods from start or order until the lot is available.
    pub(super) lead_time: usize,
    /// A lot, if any, is at least this.
    pub(super) min_lot: f64,
    /// A lot is at most this.
    pub(super) max_lot: Option<f64>,
    /// A lot is an integer multiple of this.
    pub(super) lot_multiple: Option<f64>,
    /// Fixed cost per lot.
    pub(super) order_cost: f64,
    /// Most units per period of ordering (a source's `max_per_period`).
    pub(super) max_per_period: Option<f64>,
    /// The setup costs of its routing rows, summed in file order (paid once per lot).
    pub(super) setup_cost: f64,
}

impl Way {
    fn new(item_idx: usize, item: &Item, means: Means, terms: &LotTerms, max_per_period: Option<f64>) -> Self {
        Way {
            item: item_idx,
            means,
            unit_cost: terms.unit_cost.unwrap_or(item.unit_cost),
            lead_time: terms.lead_time.unwrap_or(item.lead_time),
            min_lot: terms.min_lot.unwrap_or(item.min_lot),
            max_lot: terms.max_lot.or(item.max_lot),
            lot_multiple: terms.lot_multiple.or(item.lot_multiple),
            order_cost: terms.order_cost.unwrap_or(item.order_cost),
            max_per_period,
            setup_cost: 0.0,
        }
    }

    /// Whether its lots are made (and consume the item's components).
    pub(super) fn is_made(&self) -> bool {
        matches!(self.means, Means::Made { .. })
    }

    /// The routing rows each lot uses (none when bought).
    pub(super) fn rows(&self) -> &[usize] {
        match &self.means {
            Means::Made { rows, .. } => rows,
            Means::Bought { .. } => &[],
        }
    }

    /// The `kind` of its lots in `lots.csv`.
    pub(super) fn kind_word(&self) -> &'static str {
        if self.is_made() {
            ItemKind::Make.as_str()
        } else {
            ItemKind::Buy.as_str()
        }
    }

    /// Its route's id, when it is made on a named route.
    pub(super) fn route_id<'a>(&self, input: &'a PlanInput) -> Option<&'a str> {
        match self.means {
            Means::Made { route: Some(route), .. } => input.routes.get(route).map(|route| route.id.as_str()),
            _ => None,
        }
    }

    /// The index of its supplier (in `PlanInput::suppliers`), when bought from a named one.
    pub(super) fn supplier(&self, input: &PlanInput) -> Option<usize> {
        match self.means {
            Means::Bought { source: Some(source) } => input.sources.get(source).map(|source| source.supplier),
            _ => None,
        }
    }

    /// Its supplier's id, when bought from a named supplier.
    pub(super) fn supplier_id<'a>(&self, input: &'a PlanInput) -> Option<&'a str> {
        self.supplier(input).and_then(|supplier| input.suppliers.get(supplier)).map(|supplier| supplier.id.as_str())
    }
}

/// Every way of every item, numbered item by item (routes in the order of their first routing
/// row, then sources in file order), with the indices the checks need.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Ways {
    /// Every way.
    pub(super) list: Vec<Way>,
    /// The ways of each item.
    pub(super) of_item: Vec<Vec<usize>>,
    /// The way each routing row belongs to (`None` for a row of a buy item).
    pub(super) of_row: Vec<Option<usize>>,
    /// The routing rows naming each family (in `PlanInput::families`) on the family's resource.
    pub(super) rows_of_family: Vec<Vec<usize>>,
    /// The ways bought from each supplier (in `PlanInput::suppliers`).
    pub(super) of_supplier: Vec<Vec<usize>>,
}

impl Ways {
    pub(super) fn new(input: &PlanInput) -> Self {
        let n_items = input.items.len();
        let mut rows_of_item: Vec<Vec<usize>> = vec![Vec::new(); n_items];
        for (row, routing) in input.routings.iter().enumerate() {
            if let Some(rows) = rows_of_item.get_mut(routing.item) {
                rows.push(row);
            }
        }
        let mut sources_of_item: Vec<Vec<usize>> = vec![Vec::new(); n_items];
        for (source_idx, source) in input.sources.iter().enumerate() {
            if let Some(sources) = sources_of_item.get_mut(source.item) {
                sources.push(source_idx);
            }
        }
        let mut ways = Ways {
            list: Vec::new(),
            of_item: vec![Vec::new(); n_items],
            of_row: vec![None; input.routings.len()],
            rows_of_family: vec![Vec::new(); input.families.len()],
            of_supplier: vec![Vec::new(); input.suppliers.len()],
        };
        for (item_idx, item) in input.items.iter().enumerate() {
            if item.kind == ItemKind::Make {
                // Each distinct route value of the item's rows is one route (None: unnamed).
                let mut routes: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
                for &row in &rows_of_item[item_idx] {
                    let route = input.routings[row].route;
                    match routes.iter_mut().find(|(named, _)| *named == route) {
                        Some((_, rows)) => rows.push(row),
                        None => routes.push((route, vec![row])),
                    }
                }
                if routes.is_empty() {
                    routes.push((None, Vec::new()));
                }
                for (route, rows) in routes {
                    let terms = route.and_then(|route| input.routes.get(route)).map(|route| route.terms);
                    let mut way =
                        Way::new(item_idx, item, Means::Made { route, rows }, &terms.unwrap_or_default(), None);
                    way.setup_cost = way.rows().iter().map(|&row| input.routings[row].setup_cost).sum();
                    ways.push(way);
                }
            }
            for &source_idx in &sources_of_item[item_idx] {
                let source = &input.sources[source_idx];
                let means = Means::Bought { source: Some(source_idx) };
                ways.push(Way::new(item_idx, item, means, &source.terms, source.max_per_period));
            }
            if item.kind == ItemKind::Buy && sources_of_item[item_idx].is_empty() {
                ways.push(Way::new(item_idx, item, Means::Bought { source: None }, &LotTerms::default(), None));
            }
        }
        for (w, way) in ways.list.iter().enumerate() {
            if let Some(bought) = way.supplier(input).and_then(|supplier| ways.of_supplier.get_mut(supplier)) {
                bought.push(w);
            }
        }
        for (row, routing) in input.routings.iter().enumerate() {
            let Some(family_idx) = routing.family else { continue };
            let on_its_resource = input.families.get(family_idx).is_some_and(|f| f.resource == routing.resource);
            if let (true, Some(rows)) = (on_its_resource, ways.rows_of_family.get_mut(family_idx)) {
                rows.push(row);
            }
        }
        ways
    }

    fn push(&mut self, way: Way) {
        let w = self.list.len();
        for &row in way.rows() {
            self.of_row[row] = Some(w);
        }
        self.of_item[way.item].push(w);
        self.list.push(way);
    }

    /// Number of ways.
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// Way `w`.
    pub(super) fn get(&self, w: usize) -> Option<&Way> {
        self.list.get(w)
    }

    /// The ways of item `item_idx` (none out of range).
    pub(super) fn of(&self, item_idx: usize) -> &[usize] {
        self.of_item.get(item_idx).map_or(&[], Vec::as_slice)
    }

    /// The way of item `item_idx` that a row naming `route` and `supplier` (empty: none) names,
    /// when the row has no `kind` (a previous plan's lot, a `changes.csv` row): the route or
    /// supplier it names, or the item's unnamed route or supplier when it names neither (an
    /// item has at most one: a make item's unnamed route, or a buy item's unnamed supplier).
    pub(super) fn named(&self, input: &PlanInput, item_idx: usize, route: &str, supplier: &str) -> Option<usize> {
        self.of(item_idx).iter().copied().find(|&w| {
            let way = &self.list[w];
            way.route_id(input).unwrap_or("") == route && way.supplier_id(input).unwrap_or("") == supplier
        })
    }

    /// The ways of item `item_idx` in words, for messages: `route R`, `supplier S`, `its
    /// unnamed route`, `its unnamed supplier`.
    pub(super) fn describe(&self, input: &PlanInput, item_idx: usize) -> Vec<String> {
        self.of(item_idx)
            .iter()
            .map(|&w| {
                let way = &self.list[w];
                match (way.route_id(input), way.supplier_id(input)) {
                    (Some(route), _) => format!("route {route}"),
                    (None, Some(supplier)) => format!("supplier {supplier}"),
                    (None, None) if way.is_made() => "its unnamed route".to_string(),
                    (None, None) => "its unnamed supplier".to_string(),
                }
            })
            .collect()
    }
}

/// Why a lot row names no way of its item: the violation and its detail.
pub(super) type NoWay = (ViolationKind, String);

impl Ways {
    /// The way lot row `row` of item `item_idx` names: the route or supplier it names, or the
    /// item's unnamed way when it names neither. The row's `kind` is not compared here (a lot
    /// on a route has kind `make`, from a supplier `buy`: the caller reports a mismatch and
    /// goes on with the way), except that a lot of kind `buy` naming no supplier of an item
    /// with sources is a lot from the unnamed supplier, which such an item does not have.
    pub(super) fn resolve(&self, input: &PlanInput, item_idx: usize, row: &LotRow) -> Result<usize, NoWay> {
        let Some(item) = input.items.get(item_idx) else {
            return Err((ViolationKind::UnknownItem, "lot for an item that is not in items.csv".to_string()));
        };
        let ways = self.of(item_idx);
        let named_routes: Vec<&str> = ways.iter().filter_map(|&w| self.list[w].route_id(input)).collect();
        let suppliers: Vec<&str> = ways.iter().filter_map(|&w| self.list[w].supplier_id(input)).collect();
        let id = item.id.as_str();
        match (row.route.as_str(), row.supplier.as_str()) {
            ("", "") => {
                let unnamed = ways.iter().copied().find(|&w| match self.list[w].means {
                    Means::Made { route, .. } => route.is_none(),
                    Means::Bought { source } => source.is_none(),
                });
                if row.kind == ItemKind::Buy.as_str() && !suppliers.is_empty() {
                    let detail = format!(
                        "a bought lot names no supplier, but {id} is bought only from its suppliers in sources.csv ({})",
                        suppliers.join(", ")
                    );
                    return Err((ViolationKind::UnnamedSupplier, detail));
                }
                if let Some(w) = unnamed {
                    return Ok(w);
                }
                if item.kind == ItemKind::Make && row.kind != ItemKind::Buy.as_str() {
                    let detail = format!(
                        "a made lot names no route, but the routes of {id} in routings.csv are named ({})",
                        named_routes.join(", ")
                    );
                    return Err((ViolationKind::UnnamedRoute, detail));
                }
                let detail = if suppliers.is_empty() {
                    format!("a bought lot names no supplier, but {id} has no supplier in sources.csv (it is made only)")
                } else {
                    format!(
                        "a lot of kind {:?} names no route or supplier, but {id} is a buy item, bought only from its \
                         suppliers in sources.csv ({})",
                        row.kind,
                        suppliers.join(", ")
                    )
                };
                Err((ViolationKind::UnnamedSupplier, detail))
            }
            (route, "") => {
                let found = ways.iter().copied().find(|&w| self.list[w].route_id(input) == Some(route));
                found.ok_or_else(|| {
                    let known = if item.kind == ItemKind::Buy {
                        format!("{id} is a buy item, made on no route")
                    } else if named_routes.is_empty() {
                        format!("the routing rows of {id} name no route: leave route empty for its one route")
                    } else {
                        format!("its routes: {}", named_routes.join(", "))
                    };
                    (ViolationKind::UnknownRoute, format!("route {route:?} is not a route of {id} in routings.csv ({known})"))
                })
            }
            ("", supplier) => {
                let found = ways.iter().copied().find(|&w| self.list[w].supplier_id(input) == Some(supplier));
                found.ok_or_else(|| {
                    let known = if !suppliers.is_empty() {
                        format!("its suppliers: {}", suppliers.join(", "))
                    } else if item.kind == ItemKind::Buy {
                        format!("{id} has no sources: leave supplier empty for its one unnamed supplier")
                    } else {
                        format!("{id} has no sources: it is made only")
                    };
                    let detail = format!("supplier {supplier:?} does not supply {id} in sources.csv ({known})");
                    (ViolationKind::UnknownSupplier, detail)
                })
            }
            (route, supplier) => Err((
                ViolationKind::RouteAndSupplier,
                format!(
                    "the lot names route {route:?} and supplier {supplier:?}: a lot is made on a route or bought from a supplier"
                ),
            )),
        }
    }
}
