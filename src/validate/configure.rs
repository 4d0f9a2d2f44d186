//! Configurable products (spec section 1.5), resolved by the checker itself from the rows as
//! written ([`crate::input::Configuration::products`] and `family_templates`), never from the
//! reader's expansion: the checker trusts a plan of planning classes only because a second
//! reading of the spec finds the same classes, BOM lines, routing rows, families and demand.
//!
//! [`resolve_configuration`] returns the checker's own expanded plan, a [`PlanInput`] of the
//! same shape as the reader's:
//! - the ordinary part of the input is kept: `items[..first_class_item]`, the BOM edges, routing
//!   rows, routes, sources, receipts and forecast rows of ordinary items, and families.csv's rows
//!   without placeholders (`families[..listed_families]`); the reader's classes and everything
//!   naming them are dropped;
//! - the checker's classes are appended as `make` items with the product's items.csv values,
//!   product by product (in items.csv order), each product's sorted by class id (byte order):
//!   the classes of the orders (their options projected to the relevant attributes), of every
//!   combination of the mix values of the relevant attributes when the product has a forecast,
//!   and of every receipt (whose class is read from the reader's class id text);
//! - each class gets its BOM edges (the product's bom rows whose `when` holds, placeholders
//!   replaced, rows of one resolved component summed into one edge, in order of first row), its
//!   routing rows (the rows whose `when` holds), its routes (the distinct route ids of these
//!   rows, in order of first row, with the product's routes.csv values) and its families: a
//!   resolved family on a resource is families.csv's literal row of that name and resource when
//!   there is one, else a resolved copy of the template row on that resource that resolves to
//!   the name for the class, appended after the listed families in order of first use and shared
//!   by every class (of any product) that resolves to the same name and resource;
//! - orders of configurable products point at the checker's class of their options, receipts of
//!   a class at the checker's class of the same id;
//! - **demand**: `D[c,t] = O[c,t] + U[i,t] * prod_a share(i, a, c_a)` is written as forecast
//!   rows of the classes, `O[c,t] + U[i,t] * share` wherever `U[i,t] * share > 0`. Demand is
//!   `max(firm, forecast)` per item, and `O[c,t]` is the class's firm demand, so every consumer
//!   of a `PlanInput` (the checker's `recompute.rs`, a reference model) gets `D[c,t]` without a
//!   demand rule of its own; `U[i,t] = max(0, forecast[i,t] - sum_c O[c,t])`, `O` by the
//!   period rule (past due in period 1, beyond the horizon left out), `share = 0` for a value
//!   mix.csv does not list, and without a forecast `D = O` (no row).
//!
//! Its `configuration` keeps the products and templates as written, with the checker's own
//! `relevant` attributes and `classes`. What cannot be resolved is a `configuration` violation
//! (never a panic): an attribute named by a placeholder or condition that the product does not
//! have, a condition or an order's options that do not parse, a resolved component that is not
//! an ordinary item, a family with no row, two templates resolving to one family with different
//! values, a receipt's class id that is not a class of a product, a forecast without a mix for
//! a relevant attribute. The line, order or receipt concerned is then left out.
//!
//! A plan without configurable products is returned unchanged.

use super::{Violation, ViolationKind};
use crate::input::{BomEdge, Configurable, Family, ForecastEntry, Item, ItemKind, LotTerms, Order, PlanInput};
use crate::input::{PlanningClass, Receipt, Route, Routing};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The checker's own expansion of a plan's configurable products (see [`resolve_configuration`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    /// The plan with the checker's planning classes as items (see the module docs of
    /// `validate::configure`); the input itself when it has no configurable product.
    pub input: PlanInput,
    /// What could not be resolved, as violations of kind
    /// [`ViolationKind::Configuration`], in the order found.
    pub problems: Vec<Violation>,
    /// The ids of the orders left out of `input.orders` because their class could not be
    /// resolved (each has its problem in `problems`).
    pub unresolved_orders: Vec<String>,
}

/// The checker's own expansion of the configurable products of `input` (spec section 1.5),
/// from the rows as written alone: its planning classes with their BOM lines, routing rows,
/// routes, resolved families and demand (as forecast rows `O + U * share`), orders and
/// receipts pointed at them. The reader's expansion in `input` (its class items, their rows,
/// `configuration.relevant` and `configuration.classes`) is not used. A plan without
/// configurable products is returned unchanged. See the module docs for the rules.
pub fn resolve_configuration(input: &PlanInput) -> Expansion {
    if input.configuration.is_empty() {
        return Expansion { input: input.clone(), problems: Vec::new(), unresolved_orders: Vec::new() };
    }
    Resolver::new(input).run()
}

// ---------------------------------------------------------------------------------------------
// Text: conditions, placeholders, options, class ids

/// A parsed `when`: every clause must hold (AND); a clause holds when the attribute's value is
/// one of its values (OR). No clause: always.
#[derive(Debug, Clone, PartialEq, Default)]
struct Condition {
    clauses: Vec<(String, Vec<String>)>,
}

impl Condition {
    /// Parses `attr=v1|v2;attr=v` (trimmed; empty clauses are skipped).
    fn parse(text: &str) -> Result<Condition, String> {
        let mut clauses = Vec::new();
        for clause in text.split(';').map(str::trim).filter(|clause| !clause.is_empty()) {
            let Some((attribute, values)) = clause.split_once('=') else {
                return Err(format!("the clause {clause:?} is not attribute=value|value"));
            };
            let attribute = attribute.trim();
            let values: Vec<String> = values.split('|').map(|value| value.trim().to_string()).collect();
            if attribute.is_empty() || values.iter().any(String::is_empty) {
                return Err(format!("the clause {clause:?} is not attribute=value|value"));
            }
            clauses.push((attribute.to_string(), values));
        }
        Ok(Condition { clauses })
    }

    /// The attributes its clauses name.
    fn attributes(&self) -> impl Iterator<Item = &str> {
        self.clauses.iter().map(|(attribute, _)| attribute.as_str())
    }

    /// Whether it holds for the values `value_of` gives (an attribute without one: it fails).
    fn holds<'v>(&self, value_of: impl Fn(&str) -> Option<&'v str>) -> bool {
        self.clauses
            .iter()
            .all(|(attribute, values)| value_of(attribute).is_some_and(|v| values.iter().any(|w| w == v)))
    }
}

/// The names of the `{name}` placeholders of `text`, in order (an unclosed `{` is text).
fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

/// `text` with every placeholder replaced by `value_of` its name; `None` when one has no value.
fn substitute<'v>(text: &str, value_of: impl Fn(&str) -> Option<&'v str>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push_str(&rest[..open]);
        out.push_str(value_of(&after[..close])?);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// An order's options `attr=value;attr=value` as the value of each of `attributes`, in their
/// order: every attribute exactly once, no other, values trimmed and non-empty.
fn parse_options(attributes: &[String], text: &str) -> Result<Vec<String>, String> {
    let mut values: Vec<Option<String>> = vec![None; attributes.len()];
    for pair in text.split(';').map(str::trim).filter(|pair| !pair.is_empty()) {
        let Some((attribute, value)) = pair.split_once('=') else {
            return Err(format!("{pair:?} is not attribute=value"));
        };
        let (attribute, value) = (attribute.trim(), value.trim());
        let Some(k) = attributes.iter().position(|a| a == attribute) else {
            return Err(format!("{attribute:?} is not an attribute of the product ({})", attributes.join(", ")));
        };
        if value.is_empty() {
            return Err(format!("{attribute} has no value"));
        }
        match values.get_mut(k) {
            Some(slot @ None) => *slot = Some(value.to_string()),
            _ => return Err(format!("{attribute} is given more than once")),
        }
    }
    let missing: Vec<&str> =
        attributes.iter().zip(&values).filter(|(_, value)| value.is_none()).map(|(a, _)| a.as_str()).collect();
    if !missing.is_empty() {
        return Err(format!("no value for {}", missing.join(", ")));
    }
    Ok(values.into_iter().flatten().collect())
}

/// `PRODUCT[a=v;b=w]` over the relevant attributes `names` with `values`; `PRODUCT` when none.
fn class_id(product: &str, names: &[&str], values: &[String]) -> String {
    if names.is_empty() {
        return product.to_string();
    }
    let pairs: Vec<String> = names.iter().zip(values).map(|(name, value)| format!("{name}={value}")).collect();
    format!("{product}[{}]", pairs.join(";"))
}

// ---------------------------------------------------------------------------------------------
// Problems

/// The problems found, each reported once (by a key naming what it is about).
#[derive(Default)]
struct Problems {
    list: Vec<Violation>,
    reported: HashSet<String>,
}

impl Problems {
    /// Records a `configuration` violation about `subject`, unless `key` was reported before.
    fn report(&mut self, key: String, subject: &str, detail: String) {
        if self.reported.insert(key) {
            self.list.push(Violation {
                kind: ViolationKind::Configuration,
                subject: subject.to_string(),
                route: None,
                supplier: None,
                period: None,
                amount: 0.0,
                message: format!("{subject}: {detail}"),
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One product's rows, parsed once

/// A product with its relevant attributes and its rows' conditions, parsed once.
struct Product<'a> {
    config: &'a Configurable,
    /// Indices into `config.attributes` of the relevant attributes, in attribute order.
    relevant: Vec<usize>,
    /// Per bom.csv row: its condition, `None` when the row cannot apply (reported).
    bom: Vec<Option<Condition>>,
    /// Per routings.csv row: its condition, `None` when the row cannot apply (reported).
    routings: Vec<Option<Condition>>,
    /// Per routings.csv row: whether its family names only attributes of the product.
    family_ok: Vec<bool>,
    /// Per relevant attribute: its distinct mix values with their shares, in mix.csv order.
    shares: Vec<Vec<(String, f64)>>,
}

impl<'a> Product<'a> {
    /// Parses a product's conditions and placeholders and derives its relevant attributes: the
    /// attributes named by a placeholder of a bom row's `component` or a routing row's
    /// `family`, or by a clause of a `when` of either, in attribute order.
    fn parse(config: &'a Configurable, problems: &mut Problems) -> Self {
        let id = config.item.id.as_str();
        let attributes = &config.attributes;
        let mut named: BTreeSet<usize> = BTreeSet::new();
        // Whether every name is an attribute (each one that is becomes relevant).
        let mut check_names = |problems: &mut Problems, names: &[&str], file: &str, row: usize| -> bool {
            let mut ok = true;
            for name in names {
                match attributes.iter().position(|a| a == name) {
                    Some(k) => {
                        named.insert(k);
                    }
                    None => {
                        ok = false;
                        let detail = format!(
                            "{file} row {row} names {name:?}, which is not an attribute of {id} ({})",
                            attributes.join(", ")
                        );
                        problems.report(format!("attribute {id} {file} {row} {name}"), id, detail);
                    }
                }
            }
            ok
        };
        let parse_when = |problems: &mut Problems, when: &str, file: &str, row: usize| match Condition::parse(when) {
            Ok(condition) => Some(condition),
            Err(why) => {
                let detail = format!("{file} row {row}: the condition {when:?} does not parse: {why}");
                problems.report(format!("when {id} {file} {row}"), id, detail);
                None
            }
        };
        let mut bom = Vec::with_capacity(config.bom.len());
        for line in &config.bom {
            let condition = parse_when(problems, &line.when, "bom.csv", line.row);
            let when_names: Vec<&str> = condition.iter().flat_map(Condition::attributes).collect();
            let when_ok = check_names(problems, &when_names, "bom.csv", line.row);
            let component_ok = check_names(problems, &placeholders(&line.component), "bom.csv", line.row);
            bom.push(condition.filter(|_| when_ok && component_ok));
        }
        let mut routings = Vec::with_capacity(config.routings.len());
        let mut family_ok = Vec::with_capacity(config.routings.len());
        for routing in &config.routings {
            let condition = parse_when(problems, &routing.when, "routings.csv", routing.row);
            let when_names: Vec<&str> = condition.iter().flat_map(Condition::attributes).collect();
            let when_ok = check_names(problems, &when_names, "routings.csv", routing.row);
            let family_names = routing.family.as_deref().map(placeholders).unwrap_or_default();
            family_ok.push(check_names(problems, &family_names, "routings.csv", routing.row));
            routings.push(condition.filter(|_| when_ok));
        }
        let relevant: Vec<usize> = named.into_iter().collect();
        let mut shares: Vec<Vec<(String, f64)>> = vec![Vec::new(); relevant.len()];
        for mix in &config.mix {
            // Mix rows of attributes that are not relevant are ignored.
            let Some(k) = relevant.iter().position(|&k| attributes.get(k).is_some_and(|a| *a == mix.attribute)) else {
                continue;
            };
            let Some(values) = shares.get_mut(k) else { continue };
            match values.iter_mut().find(|(value, _)| *value == mix.value) {
                Some((_, share)) => *share += mix.share,
                None => values.push((mix.value.clone(), mix.share)),
            }
        }
        let product = Product { config, relevant, bom, routings, family_ok, shares };
        if !config.forecast.is_empty() {
            for (name, values) in product.relevant_names().iter().zip(&product.shares) {
                if values.is_empty() {
                    let detail = format!(
                        "has a forecast but mix.csv gives no share for its relevant attribute {name}: its forecast \
                         reaches no class"
                    );
                    problems.report(format!("mix {id} {name}"), id, detail);
                }
            }
        }
        product
    }

    fn id(&self) -> &'a str {
        self.config.item.id.as_str()
    }

    /// The names of the relevant attributes, in attribute order.
    fn relevant_names(&self) -> Vec<&'a str> {
        let attributes = &self.config.attributes;
        self.relevant.iter().filter_map(|&k| attributes.get(k).map(String::as_str)).collect()
    }

    /// The value a class (`values` over the relevant attributes) has for the attribute `name`.
    fn value_of<'v>(&self, values: &'v [String], name: &str) -> Option<&'v str> {
        let position = self.relevant.iter().position(|&k| self.config.attributes.get(k).is_some_and(|a| a == name))?;
        values.get(position).map(String::as_str)
    }

    /// `prod_a share(i, a, c_a)` over the relevant attributes (0 for a value the mix lacks).
    fn share(&self, values: &[String]) -> f64 {
        self.shares.iter().zip(values).fold(1.0, |product, (shares, value)| {
            product * shares.iter().find(|(v, _)| v == value).map_or(0.0, |(_, share)| *share)
        })
    }

    /// The class of an order's options (values of every attribute, in attribute order).
    fn class_of(&self, all: &[String]) -> (String, Vec<String>) {
        let values: Vec<String> = self.relevant.iter().filter_map(|&k| all.get(k).cloned()).collect();
        (class_id(self.id(), &self.relevant_names(), &values), values)
    }

    /// The class values a class id of this product names (`PRODUCT[a=v;b=w]` over the relevant
    /// attributes in their order, `PRODUCT` when none is relevant).
    fn parse_class_id(&self, id: &str) -> Result<Vec<String>, String> {
        let names = self.relevant_names();
        let pid = self.id();
        let values: Option<Vec<String>> = if id == pid {
            Some(Vec::new())
        } else {
            id.get(pid.len() + 1..).and_then(|rest| rest.strip_suffix(']')).and_then(|inner| {
                inner
                    .split(';')
                    .enumerate()
                    .map(|(k, pair)| match pair.split_once('=') {
                        Some((name, value)) if names.get(k) == Some(&name) && !value.is_empty() => {
                            Some(value.to_string())
                        }
                        _ => None,
                    })
                    .collect()
            })
        };
        match values {
            Some(values) if values.len() == names.len() => Ok(values),
            _ => {
                let placeholders: Vec<String> = names.iter().map(|name| format!("<{name}>")).collect();
                Err(format!(
                    "a class of {pid} is named {} (its relevant attributes, in their order)",
                    class_id(pid, &names, &placeholders)
                ))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Families

/// The resolved families: families.csv's literal rows, then the templates' resolutions.
struct Families<'a> {
    list: Vec<Family>,
    /// `list[..listed]` are families.csv's rows without placeholders.
    listed: usize,
    /// Each template-resolved `(name, resource)`: its index in `list` and the template it came from.
    resolved: HashMap<(String, usize), (usize, usize)>,
    /// families.csv's rows with placeholders, as written.
    templates: &'a [Family],
}

impl Families<'_> {
    /// The family `name` on `resource` of a routing row (`row` of `class_id`, whose values
    /// `value_of` gives): families.csv's literal row, else the resolution of the template on the
    /// resource that resolves to `name` for the class (one family per name and resource, shared
    /// by every class of every product resolving to it); `None` (reported) when there is none.
    fn resolve<'v>(
        &mut self,
        problems: &mut Problems,
        (name, resource, resource_id): (&str, usize, &str),
        (class_id, row): (&str, usize),
        value_of: &dyn Fn(&str) -> Option<&'v str>,
    ) -> Option<usize> {
        if let Some(f) = self.list[..self.listed].iter().position(|f| f.id == name && f.resource == resource) {
            return Some(f);
        }
        let candidates: Vec<usize> = (0..self.templates.len())
            .filter(|&k| {
                let template = &self.templates[k];
                template.resource == resource && substitute(&template.id, value_of).as_deref() == Some(name)
            })
            .collect();
        let key = (name.to_string(), resource);
        let existing = self.resolved.get(&key).copied();
        let Some(&chosen) = candidates.first() else {
            if let Some((f, _)) = existing {
                return Some(f); // resolved by another product's template
            }
            let detail = format!(
                "routings.csv row {row} resolves to the family {name:?} on {resource_id}, which has no row in \
                 families.csv (neither {name:?} nor a template that resolves to it)"
            );
            problems.report(format!("family {name} {resource}"), class_id, detail);
            return None;
        };
        let (f, origin) = existing.unwrap_or_else(|| {
            self.list.push(Family { id: name.to_string(), ..self.templates[chosen].clone() });
            let found = (self.list.len() - 1, chosen);
            self.resolved.insert(key, found);
            found
        });
        let first = &self.templates[origin];
        let differs = |k: &usize| {
            let other = &self.templates[*k];
            other.setup_time != first.setup_time || other.setup_cost != first.setup_cost
        };
        if let Some(other) = candidates.iter().find(|k| differs(k)).map(|&k| &self.templates[k]) {
            let detail = format!(
                "the families.csv rows {:?} and {:?} both resolve to the family {name:?} on {resource_id} with \
                 different values (setup_time {} and {}, setup_cost {} and {})",
                first.id, other.id, first.setup_time, other.setup_time, first.setup_cost, other.setup_cost
            );
            problems.report(format!("family values {name} {resource}"), class_id, detail);
        }
        Some(f)
    }
}

// ---------------------------------------------------------------------------------------------
// The resolution

/// Where an order or receipt goes in the expansion.
enum Target {
    /// An ordinary item: kept as it is.
    Ordinary,
    /// The checker's class of this id.
    Class(String),
    /// No class (reported): left out.
    Unresolved,
}

/// The state of one resolution.
struct Resolver<'a> {
    input: &'a PlanInput,
    /// `input.items[..first]` are the ordinary items.
    first: usize,
    products: Vec<Product<'a>>,
    problems: Problems,
}

impl<'a> Resolver<'a> {
    fn new(input: &'a PlanInput) -> Self {
        let first = input.configuration.first_class_item(input.items.len()).min(input.items.len());
        let mut problems = Problems::default();
        let products =
            input.configuration.products.iter().map(|config| Product::parse(config, &mut problems)).collect();
        Resolver { input, first, products, problems }
    }

    /// The product a class id names (the longest product id it starts with).
    fn product_of_class_id(&self, id: &str) -> Option<usize> {
        self.products
            .iter()
            .enumerate()
            .filter(|(_, p)| id == p.id() || id.strip_prefix(p.id()).is_some_and(|rest| rest.starts_with('[')))
            .max_by_key(|(_, p)| p.id().len())
            .map(|(p, _)| p)
    }

    fn run(mut self) -> Expansion {
        let input = self.input;
        let first = self.first;

        // The classes of each product (id -> values): of the orders, the mix combinations, the receipts.
        let mut classes: Vec<BTreeMap<String, Vec<String>>> = vec![BTreeMap::new(); self.products.len()];
        let order_targets: Vec<Target> =
            input.orders.iter().map(|order| self.order_target(order, &mut classes)).collect();
        for (product, classes) in self.products.iter().zip(classes.iter_mut()) {
            if product.config.forecast.is_empty() {
                continue;
            }
            let mut combinations: Vec<Vec<String>> = vec![Vec::new()];
            for values in &product.shares {
                combinations = combinations
                    .iter()
                    .flat_map(|combination| {
                        values.iter().map(move |(value, _)| {
                            let mut next = combination.clone();
                            next.push(value.clone());
                            next
                        })
                    })
                    .collect();
            }
            let names = product.relevant_names();
            for values in combinations {
                classes.entry(class_id(product.id(), &names, &values)).or_insert(values);
            }
        }
        let receipt_targets: Vec<Target> =
            input.receipts.iter().map(|receipt| self.receipt_target(receipt, &mut classes)).collect();

        // The ordinary part, its route and family indices renumbered.
        let mut out = PlanInput {
            items: input.items[..first].to_vec(),
            bom: input.bom.iter().filter(|e| e.parent < first && e.component < first).copied().collect(),
            routings: Vec::new(),
            receipts: Vec::new(),
            orders: Vec::new(),
            forecast: input.forecast.iter().filter(|f| f.item < first).copied().collect(),
            routes: Vec::new(),
            sources: input.sources.iter().filter(|s| s.item < first).copied().collect(),
            families: Vec::new(),
            ..input.clone()
        };
        for edge in input.bom.iter().filter(|e| e.parent < first && e.component >= first) {
            let parent = input.items.get(edge.parent).map_or("", |item| item.id.as_str());
            let component = input.items.get(edge.component).map_or("", |item| item.id.as_str());
            let detail =
                format!("its BOM names the planning class {component:?}: a configurable product is never a component");
            self.problems.report(format!("component of {parent} {component}"), parent, detail);
        }
        let listed = input.configuration.listed_families.min(input.families.len());
        let mut families = Families {
            list: input.families[..listed].to_vec(),
            listed,
            resolved: HashMap::new(),
            templates: &input.configuration.family_templates,
        };
        let mut route_map: HashMap<usize, usize> = HashMap::new();
        for (r, route) in input.routes.iter().enumerate().filter(|(_, route)| route.item < first) {
            route_map.insert(r, out.routes.len());
            out.routes.push(route.clone());
        }
        for routing in input.routings.iter().filter(|routing| routing.item < first) {
            let family = routing.family.and_then(|f| {
                if f < listed {
                    return Some(f);
                }
                // A family of the reader's after the listed ones: the same name and resource.
                let family = input.families.get(f)?;
                let found = families.list.iter().position(|g| g.id == family.id && g.resource == family.resource);
                Some(found.unwrap_or_else(|| {
                    families.list.push(family.clone());
                    families.list.len() - 1
                }))
            });
            let route = routing.route.and_then(|r| route_map.get(&r).copied());
            out.routings.push(Routing { route, family, ..*routing });
        }
        families.listed = families.list.len();

        // The classes as items, product by product, each product's by class id, with their rows.
        let mut class_index: HashMap<String, usize> = HashMap::new();
        let mut planning: Vec<PlanningClass> = Vec::new();
        for ((p, product), classes) in self.products.iter().enumerate().zip(&classes) {
            for (id, values) in classes {
                let item = out.items.len();
                out.items.push(Item { id: id.clone(), kind: ItemKind::Make, ..product.config.item.clone() });
                class_index.insert(id.clone(), item);
                planning.push(PlanningClass { item, product: p, values: values.clone() });
            }
        }
        let ordinary: HashMap<&str, usize> =
            input.items[..first].iter().enumerate().map(|(i, item)| (item.id.as_str(), i)).collect();
        for class in &planning {
            self.expand_class(class, &ordinary, &mut families, &mut out);
        }

        // Orders and receipts on the checker's classes.
        let mut unresolved_orders = Vec::new();
        for (order, target) in input.orders.iter().zip(&order_targets) {
            match target {
                Target::Ordinary => out.orders.push(order.clone()),
                Target::Class(id) => match class_index.get(id) {
                    Some(&item) => out.orders.push(Order { item, ..order.clone() }),
                    None => unresolved_orders.push(order.id.clone()),
                },
                Target::Unresolved => unresolved_orders.push(order.id.clone()),
            }
        }
        for (receipt, target) in input.receipts.iter().zip(&receipt_targets) {
            match target {
                Target::Ordinary => out.receipts.push(*receipt),
                Target::Class(id) => {
                    if let Some(&item) = class_index.get(id) {
                        out.receipts.push(Receipt { item, ..*receipt });
                    }
                }
                Target::Unresolved => {}
            }
        }

        let demand = self.class_demand(&planning, &out.orders);
        out.forecast.extend(demand);
        out.families = families.list;
        out.configuration.relevant = self.products.iter().map(|product| product.relevant.clone()).collect();
        out.configuration.classes = planning;
        out.configuration.listed_families = families.listed;
        Expansion { input: out, problems: self.problems.list, unresolved_orders }
    }

    /// Where an order goes: an ordinary item's stays; an order of a configurable product goes
    /// to the class its options name (inserted into `classes`).
    fn order_target(&mut self, order: &Order, classes: &mut [BTreeMap<String, Vec<String>>]) -> Target {
        let Some(options) = &order.options else {
            if order.item < self.first {
                return Target::Ordinary;
            }
            let id = self.input.items.get(order.item).map_or("", |item| item.id.as_str());
            let detail = format!("an order of the planning class {id:?} without options");
            self.problems.report(format!("order {}", order.id), &order.id, detail);
            return Target::Unresolved;
        };
        let (Some(product), Some(classes)) = (self.products.get(options.product), classes.get_mut(options.product))
        else {
            let detail = format!("the order's product (number {}) is not a configurable product", options.product);
            self.problems.report(format!("order {}", order.id), &order.id, detail);
            return Target::Unresolved;
        };
        match parse_options(&product.config.attributes, &options.text) {
            Ok(all) => {
                let (id, values) = product.class_of(&all);
                classes.entry(id.clone()).or_insert(values);
                Target::Class(id)
            }
            Err(why) => {
                let detail =
                    format!("the options {:?} of an order of {} do not parse: {why}", options.text, product.id());
                self.problems.report(format!("order {}", order.id), &order.id, detail);
                Target::Unresolved
            }
        }
    }

    /// Where a receipt goes: an ordinary item's stays; a receipt of a class goes to the
    /// checker's class of the same id, read from the id text (inserted into `classes`).
    fn receipt_target(&mut self, receipt: &Receipt, classes: &mut [BTreeMap<String, Vec<String>>]) -> Target {
        if receipt.item < self.first {
            return Target::Ordinary;
        }
        let id = self.input.items.get(receipt.item).map_or("", |item| item.id.as_str());
        let parsed = match self.product_of_class_id(id) {
            Some(p) => self.products[p].parse_class_id(id).map(|values| (p, values)),
            None => Err("it is not the class id of a configurable product".to_string()),
        };
        match parsed {
            Ok((p, values)) => {
                if let Some(classes) = classes.get_mut(p) {
                    classes.entry(id.to_string()).or_insert(values);
                }
                Target::Class(id.to_string())
            }
            Err(why) => {
                let detail = format!("a receipt names {id:?}, which is not a planning class: {why}");
                self.problems.report(format!("receipt {id}"), id, detail);
                Target::Unresolved
            }
        }
    }

    /// The classes' demand as forecast rows: `O[c,t] + U[i,t] * share(c)` wherever the spread
    /// `U[i,t] * share(c)` is positive (products with a forecast only).
    fn class_demand(&self, planning: &[PlanningClass], orders: &[Order]) -> Vec<ForecastEntry> {
        let input = self.input;
        let n_periods = input.n_periods();
        let mut rows = Vec::new();
        for (p, product) in self.products.iter().enumerate() {
            if product.config.forecast.is_empty() {
                continue;
            }
            // O[c,t] per class item, and sum_c O[c,t].
            let mut firm: HashMap<usize, Vec<f64>> = HashMap::new();
            let mut total = vec![0.0; n_periods];
            for order in orders.iter().filter(|order| order.options.as_ref().is_some_and(|o| o.product == p)) {
                let Some(t) = input.horizon.planned_period(order.due_date).filter(|t| *t < n_periods) else {
                    continue;
                };
                firm.entry(order.item).or_insert_with(|| vec![0.0; n_periods])[t] += order.quantity;
                total[t] += order.quantity;
            }
            for class in planning.iter().filter(|class| class.product == p) {
                let share = product.share(&class.values);
                for (t, ordered) in total.iter().enumerate() {
                    let forecast = product.config.forecast.get(t).copied().unwrap_or(0.0);
                    let spread = (forecast - ordered).max(0.0) * share;
                    if spread > 0.0 {
                        let own = firm.get(&class.item).map_or(0.0, |row| row[t]);
                        rows.push(ForecastEntry { item: class.item, period: t, quantity: own + spread });
                    }
                }
            }
        }
        rows
    }

    /// Appends the BOM edges, routing rows, routes and families of `class` to `out`.
    fn expand_class(
        &mut self,
        class: &PlanningClass,
        ordinary: &HashMap<&str, usize>,
        families: &mut Families<'_>,
        out: &mut PlanInput,
    ) {
        let input = self.input;
        let Some(product) = self.products.get(class.product) else { return };
        let problems = &mut self.problems;
        let config = product.config;
        let class_id = out.items.get(class.item).map_or_else(String::new, |item| item.id.clone());
        let value_of = |name: &str| product.value_of(&class.values, name);

        // BOM: the lines whose condition holds, one edge per resolved component.
        let mut edges: Vec<BomEdge> = Vec::new();
        for (line, condition) in config.bom.iter().zip(&product.bom) {
            if !condition.as_ref().is_some_and(|c| c.holds(value_of)) {
                continue;
            }
            let Some(component) = substitute(&line.component, value_of) else { continue };
            let Some(&component_idx) = ordinary.get(component.as_str()) else {
                let what = if input.configuration.products.iter().any(|p| p.item.id == component) {
                    "a configurable product"
                } else {
                    "not an item of items.csv"
                };
                let detail = format!(
                    "bom.csv row {} of {} resolves to the component {component:?}, which is {what} (a component \
                     must be an ordinary item)",
                    line.row,
                    product.id()
                );
                problems.report(format!("component {} {} {component}", product.id(), line.row), &class_id, detail);
                continue;
            };
            match edges.iter_mut().find(|edge| edge.component == component_idx) {
                Some(edge) => edge.quantity += line.quantity,
                None => edges.push(BomEdge { parent: class.item, component: component_idx, quantity: line.quantity }),
            }
        }
        out.bom.extend(edges);

        // The routing rows whose condition holds, with their routes and families.
        let mut routes: Vec<(&str, usize)> = Vec::new();
        let rows = config.routings.iter().zip(&product.routings).zip(&product.family_ok);
        for ((routing, condition), &family_ok) in rows {
            if !condition.as_ref().is_some_and(|c| c.holds(value_of)) {
                continue;
            }
            let route = routing.route.as_deref().map(|id| match routes.iter().find(|(r, _)| *r == id) {
                Some(&(_, index)) => index,
                None => {
                    let terms = config.routes.iter().find(|r| r.id == id).map_or(LotTerms::default(), |r| r.terms);
                    out.routes.push(Route { item: class.item, id: id.to_string(), terms });
                    routes.push((id, out.routes.len() - 1));
                    out.routes.len() - 1
                }
            });
            let name = routing.family.as_deref().filter(|_| family_ok).and_then(|text| substitute(text, value_of));
            let family = name.and_then(|name| {
                let resource_id = input.resources.get(routing.resource).map_or("", |r| r.id.as_str());
                let at = (name.as_str(), routing.resource, resource_id);
                families.resolve(problems, at, (&class_id, routing.row), &value_of)
            });
            out.routings.push(Routing {
                item: class.item,
                resource: routing.resource,
                unit_time: routing.unit_time,
                setup_time: routing.setup_time,
                setup_cost: routing.setup_cost,
                route,
                family,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::recompute::recompute_demand;
    use super::*;
    use crate::input::{Bucket, ConfigBomLine, ConfigRouting, Configuration, Horizon, MixShare};
    use crate::input::{OrderOptions, ProductRoute, Resource};
    use chrono::NaiveDate;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn bom(row: usize, component: &str, quantity: f64, when: &str) -> ConfigBomLine {
        ConfigBomLine { row, component: component.to_string(), quantity, when: when.to_string() }
    }

    fn routing(row: usize, resource: usize, unit_time: f64, family: Option<&str>, when: &str) -> ConfigRouting {
        ConfigRouting {
            row,
            resource,
            unit_time,
            setup_time: 1.0,
            setup_cost: 5.0,
            route: None,
            family: family.map(str::to_string),
            when: when.to_string(),
        }
    }

    fn mix(attribute: &str, value: &str, share: f64) -> MixShare {
        MixShare { attribute: attribute.to_string(), value: value.to_string(), share }
    }

    fn family(id: &str, resource: usize, setup_time: f64, setup_cost: f64) -> Family {
        Family { id: id.to_string(), resource, setup_time, setup_cost }
    }

    fn product(id: &str, attributes: &[&str]) -> Configurable {
        let item = Item { unit_cost: 4.0, backlog_cost: Some(2.0), ..Item::new(id, ItemKind::Make) };
        Configurable::new(item, attributes.iter().map(|a| a.to_string()).collect())
    }

    fn order(id: &str, product: usize, text: &str, quantity: f64, due: &str) -> Order {
        Order {
            id: id.to_string(),
            item: 6, // the reader's class: not trusted
            quantity,
            due_date: date(due),
            market: None,
            options: Some(OrderOptions { product, text: text.to_string() }),
        }
    }

    /// Weekly from Monday 2026-01-05, 3 periods. Ordinary items 0-5 (BLANK-M, BLANK-L,
    /// INK-navy, INK-black, INK-white, LABEL), then two classes of the reader's (6, 7) that the
    /// checker must not trust (a bogus BOM edge of 6, a receipt of 7). TEE (colour, size,
    /// design):
    /// - bom.csv: row 2 `BLANK-{size}` 1; row 3 `INK-{colour}` 0.1; row 4 `LABEL` 1 when
    ///   `colour=navy|black` (dark colours only); row 5 `INK-{colour}` 0.05 when `size=L` (adds
    ///   up with row 3);
    /// - routings.csv: row 2 PRESS 0.5 in family `DTG-{colour}`; row 3 DRY 0.1 when
    ///   `colour=navy|black`;
    /// - families.csv: the template `DTG-{colour}` on PRESS (2, 10) and the literal row
    ///   `DTG-black` on PRESS (3, 15);
    /// - orders: T1 navy/M/D1 10 and T2 navy/M/D2 5 in period 1, T3 white/L/D1 4 in period 2;
    /// - forecast 30, 10, 0; mix colour navy 0.6 black 0.4, size M 0.5 L 0.5, design D1 1
    ///   (design is not relevant: ignored).
    fn tees() -> PlanInput {
        let mut tee = product("TEE", &["colour", "size", "design"]);
        tee.bom = vec![
            bom(2, "BLANK-{size}", 1.0, ""),
            bom(3, "INK-{colour}", 0.1, ""),
            bom(4, "LABEL", 1.0, "colour=navy|black"),
            bom(5, "INK-{colour}", 0.05, " size = L "),
        ];
        tee.routings =
            vec![routing(2, 0, 0.5, Some("DTG-{colour}"), ""), routing(3, 1, 0.1, None, "colour=navy | black")];
        tee.forecast = vec![30.0, 10.0, 0.0];
        tee.mix = vec![
            mix("colour", "navy", 0.6),
            mix("colour", "black", 0.4),
            mix("size", "M", 0.5),
            mix("size", "L", 0.5),
            mix("design", "D1", 1.0),
        ];
        let mut items: Vec<Item> = ["BLANK-M", "BLANK-L", "INK-navy", "INK-black", "INK-white", "LABEL"]
            .iter()
            .map(|id| Item::new(*id, ItemKind::Buy))
            .collect();
        items.push(Item::new("TEE[colour=navy;size=M]", ItemKind::Make));
        items.push(Item::new("TEE[colour=white;size=M]", ItemKind::Make));
        let resource =
            |id: &str| Resource { id: id.to_string(), capacity: vec![40.0; 3], overtime_max: 0.0, overtime_cost: 0.0 };
        let reader_class = |item: usize, values: &[&str]| PlanningClass {
            item,
            product: 0,
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        PlanInput {
            items,
            bom: vec![BomEdge { parent: 6, component: 5, quantity: 99.0 }],
            resources: vec![resource("PRESS"), resource("DRY")],
            receipts: vec![
                Receipt { item: 7, period: 0, quantity: 2.0 },
                Receipt { item: 0, period: 1, quantity: 3.0 },
            ],
            orders: vec![
                order("T1", 0, "colour=navy;size=M;design=D1", 10.0, "2026-01-05"),
                order("T2", 0, "colour=navy;size=M;design=D2", 5.0, "2026-01-01"),
                order("T3", 0, "colour=white;size=L;design=D1", 4.0, "2026-01-14"),
            ],
            families: vec![family("DTG-black", 0, 3.0, 15.0), family("DTG-navy", 0, 99.0, 99.0)],
            configuration: Configuration {
                products: vec![tee],
                relevant: vec![vec![0]],
                classes: vec![reader_class(6, &["navy", "M"]), reader_class(7, &["white", "M"])],
                family_templates: vec![family("DTG-{colour}", 0, 2.0, 10.0)],
                // `DTG-navy` (index 1) is the reader's resolved family: not trusted.
                listed_families: 1,
            },
            ..PlanInput::new(Horizon { start: date("2026-01-05"), bucket: Bucket::Week, periods: 3 })
        }
    }

    fn ids(input: &PlanInput) -> Vec<&str> {
        input.items.iter().map(|item| item.id.as_str()).collect()
    }

    fn index(input: &PlanInput, id: &str) -> usize {
        input.item_idx(id).unwrap_or_else(|| panic!("no item {id} in {:?}", ids(input)))
    }

    /// A class's BOM as (component id, quantity).
    fn bom_of(input: &PlanInput, id: &str) -> Vec<(String, f64)> {
        let parent = index(input, id);
        let items = &input.items;
        input.bom.iter().filter(|e| e.parent == parent).map(|e| (items[e.component].id.clone(), e.quantity)).collect()
    }

    /// A class's routing rows as (resource id, unit time, family id).
    fn routings_of(input: &PlanInput, id: &str) -> Vec<(String, f64, Option<String>)> {
        let item = index(input, id);
        input
            .routings_of(item)
            .map(|r| {
                let family = r.family.map(|f| input.families[f].id.clone());
                (input.resources[r.resource].id.clone(), r.unit_time, family)
            })
            .collect()
    }

    fn kinds(expansion: &Expansion) -> Vec<(ViolationKind, &str)> {
        expansion.problems.iter().map(|v| (v.kind, v.subject.as_str())).collect()
    }

    fn owned(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(id, q)| (id.to_string(), *q)).collect()
    }

    #[test]
    fn a_configuration_is_resolved_line_by_line() {
        let expansion = resolve_configuration(&tees());
        assert_eq!(expansion.problems, vec![]);
        let x = &expansion.input;
        // Placeholders replaced; LABEL for dark colours only; the two INK lines of size L add up.
        assert_eq!(
            bom_of(x, "TEE[colour=navy;size=L]"),
            owned(&[("BLANK-L", 1.0), ("INK-navy", 0.1 + 0.05), ("LABEL", 1.0)])
        );
        assert_eq!(bom_of(x, "TEE[colour=navy;size=M]"), owned(&[("BLANK-M", 1.0), ("INK-navy", 0.1), ("LABEL", 1.0)]));
        assert_eq!(bom_of(x, "TEE[colour=white;size=M]"), owned(&[("BLANK-M", 1.0), ("INK-white", 0.1)]));
        assert_eq!(bom_of(x, "TEE[colour=white;size=L]"), owned(&[("BLANK-L", 1.0), ("INK-white", 0.1 + 0.05)]));
        // Routing rows: DRY for dark colours only; the family: literal row for black, the
        // template's resolution for navy (not the reader's DTG-navy) and white.
        let family = |name: &str| Some(name.to_string());
        let row = |resource: &str, unit: f64, family: Option<String>| (resource.to_string(), unit, family);
        assert_eq!(
            routings_of(x, "TEE[colour=black;size=M]"),
            vec![row("PRESS", 0.5, family("DTG-black")), row("DRY", 0.1, None)]
        );
        assert_eq!(
            routings_of(x, "TEE[colour=navy;size=L]"),
            vec![row("PRESS", 0.5, family("DTG-navy")), row("DRY", 0.1, None)]
        );
        assert_eq!(routings_of(x, "TEE[colour=white;size=L]"), vec![row("PRESS", 0.5, family("DTG-white"))]);
        assert_eq!(
            x.families,
            vec![
                family_row("DTG-black", 3.0, 15.0),
                family_row("DTG-navy", 2.0, 10.0),
                family_row("DTG-white", 2.0, 10.0)
            ]
        );
        assert_eq!(x.configuration.listed_families, 1);
        // Every class is a make item with the product's values; the ordinary part is kept.
        let class = &x.items[index(x, "TEE[colour=navy;size=M]")];
        assert_eq!(class, &Item { id: class.id.clone(), ..tees().configuration.products[0].item.clone() });
        assert!(x.bom.iter().all(|e| e.quantity != 99.0), "the reader's BOM edge of its class is dropped");
        assert_eq!(x.routes, vec![]);
    }

    fn family_row(id: &str, setup_time: f64, setup_cost: f64) -> Family {
        family(id, 0, setup_time, setup_cost)
    }

    #[test]
    fn classes_come_from_orders_mix_combinations_and_receipts_sorted_by_id() {
        let expansion = resolve_configuration(&tees());
        let x = &expansion.input;
        assert_eq!(
            ids(x),
            vec![
                "BLANK-M",
                "BLANK-L",
                "INK-navy",
                "INK-black",
                "INK-white",
                "LABEL",
                "TEE[colour=black;size=L]", // mix
                "TEE[colour=black;size=M]", // mix
                "TEE[colour=navy;size=L]",  // mix
                "TEE[colour=navy;size=M]",  // orders T1, T2 and mix
                "TEE[colour=white;size=L]", // order T3
                "TEE[colour=white;size=M]", // the receipt only
            ]
        );
        assert_eq!(x.configuration.relevant, vec![vec![0, 1]], "colour and size, not design");
        let classes: Vec<(usize, Vec<&str>)> =
            x.configuration.classes.iter().map(|c| (c.item, c.values.iter().map(String::as_str).collect())).collect();
        assert_eq!(classes[0], (6, vec!["black", "L"]));
        assert_eq!(classes[5], (11, vec!["white", "M"]));
        assert_eq!(x.configuration.first_class_item(x.items.len()), 6);
        // Orders on the checker's classes; the receipt of the reader's item 7 on class 11.
        let order_items: Vec<usize> = x.orders.iter().map(|o| o.item).collect();
        assert_eq!(order_items, vec![9, 9, 10]);
        assert_eq!(
            x.receipts,
            vec![Receipt { item: 11, period: 0, quantity: 2.0 }, Receipt { item: 0, period: 1, quantity: 3.0 }]
        );
    }

    #[test]
    fn the_forecast_is_spread_by_a_two_attribute_mix_after_the_orders_consume_it() {
        let expansion = resolve_configuration(&tees());
        let x = &expansion.input;
        let (demand, due) = recompute_demand(x);
        assert_eq!(due, vec![Some(0), Some(0), Some(1)]);
        // Period 1: forecast 30, orders 15 (T1 + T2, T2 past due) -> U = 15; shares navy 0.6,
        // black 0.4 times M 0.5, L 0.5: navy 0.3, black 0.2 each size, white 0.
        // Period 2: forecast 10, orders 4 (T3) -> U = 6. Period 3: forecast 0 -> U = 0.
        let expected = [
            ("TEE[colour=black;size=L]", [3.0, 1.2, 0.0]),
            ("TEE[colour=black;size=M]", [3.0, 1.2, 0.0]),
            ("TEE[colour=navy;size=L]", [4.5, 1.8, 0.0]),
            ("TEE[colour=navy;size=M]", [15.0 + 4.5, 1.8, 0.0]),
            ("TEE[colour=white;size=L]", [0.0, 4.0, 0.0]),
            ("TEE[colour=white;size=M]", [0.0, 0.0, 0.0]),
        ];
        for (id, want) in expected {
            let got = &demand[index(x, id)];
            assert!(got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-12), "{id}: {got:?} != {want:?}");
        }
        // The spread sums to the unconsumed forecast, and all of it is demand.
        let total: Vec<f64> = (0..3).map(|t| (6..12).map(|c| demand[c][t]).sum()).collect();
        assert!((total[0] - 30.0).abs() < 1e-12 && (total[1] - 10.0).abs() < 1e-12 && total[2] == 0.0, "{total:?}");
        // Orders above the forecast: U = 0, D = O.
        let mut more = tees();
        more.configuration.products[0].forecast = vec![12.0, 0.0, 0.0];
        let x = resolve_configuration(&more).input;
        let (demand, _) = recompute_demand(&x);
        assert_eq!(demand[index(&x, "TEE[colour=navy;size=M]")], vec![15.0, 0.0, 0.0]);
        assert_eq!(demand[index(&x, "TEE[colour=black;size=M]")], vec![0.0, 0.0, 0.0]);
        // Without a forecast: only the ordered and received classes, D = O.
        let mut none = tees();
        none.configuration.products[0].forecast = Vec::new();
        let x = resolve_configuration(&none).input;
        assert_eq!(ids(&x)[6..], ["TEE[colour=navy;size=M]", "TEE[colour=white;size=L]", "TEE[colour=white;size=M]"]);
        assert_eq!(recompute_demand(&x).0[6..], [vec![15.0, 0.0, 0.0], vec![0.0, 4.0, 0.0], vec![0.0; 3]]);
    }

    #[test]
    fn a_product_without_relevant_attributes_is_one_class_with_the_plain_id() {
        let mut input = tees();
        let mut mug = product("MUG", &["colour"]);
        mug.bom = vec![bom(6, "LABEL", 2.0, "")];
        mug.forecast = vec![0.0, 7.0, 0.0];
        mug.mix = vec![mix("colour", "red", 1.0)]; // not relevant: ignored
        input.configuration.products.push(mug);
        input.orders.push(order("M1", 1, "colour=red", 3.0, "2026-01-12"));
        input.orders.push(order("M2", 1, "colour=blue", 2.0, "2026-01-12"));
        let expansion = resolve_configuration(&input);
        assert_eq!(expansion.problems, vec![]);
        let x = &expansion.input;
        assert_eq!(ids(x).last(), Some(&"MUG"));
        assert_eq!(x.configuration.relevant[1], Vec::<usize>::new());
        assert_eq!(bom_of(x, "MUG"), owned(&[("LABEL", 2.0)]));
        // Both orders are class MUG; U = 7 - 5 = 2 goes to it whole (an empty product of shares).
        assert_eq!(recompute_demand(x).0[index(x, "MUG")], vec![0.0, 7.0, 0.0]);
        assert_eq!(class_id("MUG", &[], &[]), "MUG");
        assert_eq!(class_id("TEE", &["colour", "size"], &["navy".into(), "M".into()]), "TEE[colour=navy;size=M]");
    }

    #[test]
    fn conditions_and_placeholders_parse_by_the_spec() {
        let condition = Condition::parse(" colour = navy | black ; size=L ");
        let want = vec![
            ("colour".to_string(), vec!["navy".to_string(), "black".to_string()]),
            ("size".to_string(), vec!["L".to_string()]),
        ];
        assert_eq!(condition.as_ref().map(|c| c.clauses.clone()), Ok(want));
        let condition = condition.unwrap_or_default();
        let values = |colour: &'static str, size: &'static str| {
            move |name: &str| match name {
                "colour" => Some(colour),
                "size" => Some(size),
                _ => None,
            }
        };
        assert!(condition.holds(values("black", "L")));
        assert!(!condition.holds(values("black", "M")), "AND across attributes");
        assert!(!condition.holds(values("Navy", "L")), "values are case-sensitive");
        assert!(Condition::parse("").is_ok_and(|c| c.holds(values("x", "y"))), "empty: always");
        assert!(Condition::parse("colour").is_err());
        assert!(Condition::parse("colour=navy|").is_err());
        assert_eq!(placeholders("INK-{colour}-{size}"), vec!["colour", "size"]);
        assert_eq!(substitute("INK-{colour}-{size}", values("navy", "M")).as_deref(), Some("INK-navy-M"));
        assert_eq!(substitute("{design}", values("navy", "M")), None);
        assert_eq!(parse_options(&["a".into(), "b".into()], " b = 2 ; a=1"), Ok(vec!["1".into(), "2".into()]));
    }

    #[test]
    fn a_family_template_is_shared_by_two_products() {
        let mut input = tees();
        let mut hoodie = product("HOODIE", &["shade"]);
        hoodie.routings = vec![routing(4, 0, 0.8, Some("DTG-{shade}"), "")];
        input.configuration.products.push(hoodie);
        input.configuration.family_templates.push(family("DTG-{shade}", 0, 2.0, 10.0));
        input.orders.push(order("H1", 1, "shade=navy", 3.0, "2026-01-12"));
        let expansion = resolve_configuration(&input);
        assert_eq!(expansion.problems, vec![]);
        let x = &expansion.input;
        let family_of = |id: &str| x.routings_of(index(x, id)).find_map(|r| r.family);
        let navy = family_of("TEE[colour=navy;size=M]");
        assert_eq!(navy, family_of("HOODIE[shade=navy]"), "one DTG-navy on PRESS for tees and hoodies");
        assert_eq!(navy.map(|f| x.families[f].clone()), Some(family_row("DTG-navy", 2.0, 10.0)));
        assert_eq!(x.families.iter().filter(|f| f.id == "DTG-navy").count(), 1);
    }

    #[test]
    fn each_problem_is_a_configuration_violation() {
        use ViolationKind::Configuration as C;
        // A resolved component that is not an ordinary item (no INK-white), once per row.
        let mut input = tees();
        input.items[4].id = "INK-WHITE".to_string();
        let expansion = resolve_configuration(&input);
        assert_eq!(kinds(&expansion), vec![(C, "TEE[colour=white;size=L]"), (C, "TEE[colour=white;size=L]")]);
        assert!(expansion.problems[0].message.contains("bom.csv row 3 of TEE resolves to the component \"INK-white\""));
        assert_eq!(bom_of(&expansion.input, "TEE[colour=white;size=M]"), owned(&[("BLANK-M", 1.0)]));
        // A component that is a configurable product.
        let mut input = tees();
        input.configuration.products[0].bom.push(bom(6, "TEE", 1.0, ""));
        let expansion = resolve_configuration(&input);
        assert_eq!(expansion.problems.len(), 1);
        assert!(expansion.problems[0].message.contains("which is a configurable product"), "{:?}", expansion.problems);
        // A family with no row: no template, no literal row for navy or white.
        let mut input = tees();
        input.configuration.family_templates.clear();
        let expansion = resolve_configuration(&input);
        assert_eq!(kinds(&expansion), vec![(C, "TEE[colour=navy;size=L]"), (C, "TEE[colour=white;size=L]")]);
        assert!(expansion.problems[0].message.contains("\"DTG-navy\" on PRESS, which has no row in families.csv"));
        assert_eq!(routings_of(&expansion.input, "TEE[colour=navy;size=L]")[0].2, None);
        // Two templates resolving to one family with different values (across products).
        let mut input = tees();
        let mut hoodie = product("HOODIE", &["shade"]);
        hoodie.routings = vec![routing(4, 0, 0.8, Some("DTG-{shade}"), "")];
        input.configuration.products.push(hoodie);
        input.configuration.family_templates.push(family("DTG-{shade}", 0, 9.0, 10.0));
        input.orders.push(order("H1", 1, "shade=navy", 3.0, "2026-01-12"));
        let expansion = resolve_configuration(&input);
        assert_eq!(kinds(&expansion), vec![(C, "HOODIE[shade=navy]")]);
        assert!(expansion.problems[0].message.contains("\"DTG-{colour}\" and \"DTG-{shade}\" both resolve"));
        // Orders whose options do not parse: left out, named.
        for text in
            ["colour=navy;size=M", "colour=navy;size=M;design=D1;colour=black", "colour=navy;size=M;fit=x", "navy"]
        {
            let mut input = tees();
            input.orders[0].options = Some(OrderOptions { product: 0, text: text.to_string() });
            let expansion = resolve_configuration(&input);
            assert_eq!(kinds(&expansion), vec![(C, "T1")], "{text}");
            assert_eq!(expansion.unresolved_orders, vec!["T1".to_string()]);
            assert_eq!(expansion.input.orders.len(), 2);
        }
        // A receipt whose class id names the wrong attributes; a condition or placeholder naming
        // no attribute of the product.
        let mut input = tees();
        input.items[7].id = "TEE[colour=white;design=D1]".to_string();
        input.configuration.products[0].bom.push(bom(7, "INK-{color}", 1.0, "fit=slim"));
        input.configuration.products[0].routings[1].when = "colour".to_string();
        let expansion = resolve_configuration(&input);
        let subjects: Vec<&str> = expansion.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(expansion.problems.len(), 4, "{subjects:#?}");
        assert!(subjects[0].contains("bom.csv row 7 names \"fit\""), "{subjects:#?}");
        assert!(subjects[1].contains("bom.csv row 7 names \"color\""), "{subjects:#?}");
        assert!(subjects[2].contains("routings.csv row 3: the condition \"colour\" does not parse"), "{subjects:#?}");
        assert!(subjects[3].contains("a class of TEE is named TEE[colour=<colour>;size=<size>]"), "{subjects:#?}");
        assert!(expansion.input.receipts.iter().all(|r| r.item == 0));
        // A forecast without a mix for a relevant attribute.
        let mut input = tees();
        input.configuration.products[0].mix.retain(|m| m.attribute != "size");
        let expansion = resolve_configuration(&input);
        assert_eq!(kinds(&expansion), vec![(C, "TEE")]);
        assert!(expansion.problems[0].message.contains("relevant attribute size"));
    }

    #[test]
    fn routes_of_a_class_are_its_rows_routes_with_the_products_values() {
        let mut input = tees();
        let rows = &mut input.configuration.products[0].routings;
        rows[0].route = Some("OWN".to_string());
        rows[1].route = Some("OWN".to_string());
        rows.push(ConfigRouting { route: Some("PARTNER".to_string()), ..routing(4, 1, 1.0, None, "size=L") });
        let terms = LotTerms { unit_cost: Some(7.0), lead_time: Some(2), ..LotTerms::default() };
        input.configuration.products[0].routes = vec![
            ProductRoute { id: "OWN".to_string(), terms: LotTerms::default() },
            ProductRoute { id: "PARTNER".to_string(), terms },
        ];
        let x = resolve_configuration(&input).input;
        let routes_of = |id: &str| {
            let item = index(&x, id);
            x.routes.iter().filter(|r| r.item == item).map(|r| (r.id.clone(), r.terms)).collect::<Vec<_>>()
        };
        assert_eq!(routes_of("TEE[colour=navy;size=M]"), vec![("OWN".to_string(), LotTerms::default())]);
        assert_eq!(
            routes_of("TEE[colour=white;size=L]"),
            vec![("OWN".to_string(), LotTerms::default()), ("PARTNER".to_string(), terms)]
        );
        // Every routing row names a route of its own item.
        assert!(x.routings.iter().all(|r| r.route.is_some_and(|route| x.routes[route].item == r.item)));
    }

    #[test]
    fn a_plan_without_configurable_products_is_returned_unchanged() {
        let mut input = tees();
        input.configuration = Configuration::default();
        input.orders.iter_mut().for_each(|o| o.options = None);
        let expansion = resolve_configuration(&input);
        assert_eq!(expansion.input, input);
        assert_eq!(expansion.problems, vec![]);
    }
}
