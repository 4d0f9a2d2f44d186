//! Configurable products (spec section 1.5) as the planner reads them: an order's options, a
//! row's `when` condition and `{attribute}` placeholders, class ids, and the expansion of every
//! product into planning classes planned as ordinary `make` items.
//!
//! The reader checks each row as written (`Condition::parse`, `Template::parse`,
//! `parse_options`) and, once every table is read, `expand` builds the classes: one per
//! configuration ordered (up to the product's relevant attributes), per combination of the mix
//! values when the product has a forecast, and per class a receipt names. Classes are appended
//! after the ordinary items, product by product, each product's sorted by class id, so that the
//! plan does not depend on the orders' order or on their designs.
//!
//! The checker resolves the same rows with code of its own (`crate::validate`); this module is
//! the planner's only reading of them.

use super::{
    BomEdge, Configurable, Configuration, Family, Item, ItemKind, PlanInput, PlanningClass, Receipt, Route, Routing,
};
use crate::error::Diagnostic;
use crate::input::table::Cell;
use std::collections::HashMap;

/// A text with `{attribute}` placeholders (a bom row's `component`, a routing row's `family`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    /// An attribute index of the product.
    Attribute(usize),
}

impl Template {
    /// Parses `text` against the product's `attributes`; the error says what is wrong.
    pub(crate) fn parse(text: &str, attributes: &[String]) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err("a `}` without its `{`: write placeholders as {attribute}".to_string());
            }
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return Err("a `{` without its `}`: write placeholders as {attribute}".to_string());
            };
            let name = after[..close].trim();
            if name.contains('{') {
                return Err("a `{` inside a placeholder: write placeholders as {attribute}".to_string());
            }
            let Some(attribute) = attributes.iter().position(|a| a == name) else {
                return Err(format!(
                    "placeholder {{{name}}} names no attribute of the product (its attributes: {})",
                    attribute_list(attributes)
                ));
            };
            parts.push(Part::Attribute(attribute));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// True when the text has at least one placeholder.
    pub(crate) fn has_placeholders(&self) -> bool {
        self.parts.iter().any(|part| matches!(part, Part::Attribute(_)))
    }

    /// The attributes its placeholders name.
    fn attributes(&self) -> impl Iterator<Item = usize> + '_ {
        self.parts.iter().filter_map(|part| match part {
            Part::Attribute(a) => Some(*a),
            Part::Text(_) => None,
        })
    }

    /// The text with each placeholder replaced by `value(attribute)`.
    fn resolve<'v>(&self, value: impl Fn(usize) -> &'v str) -> String {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Attribute(a) => text.push_str(value(*a)),
            }
        }
        text
    }
}

/// A row's `when`: clauses that must all hold, each an attribute and the values it may take.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Condition {
    clauses: Vec<(usize, Vec<String>)>,
}

impl Condition {
    /// Parses `attr=v1|v2;attr=v` against the product's `attributes` (empty text: always).
    pub(crate) fn parse(text: &str, attributes: &[String]) -> Result<Condition, String> {
        let mut clauses: Vec<(usize, Vec<String>)> = Vec::new();
        for clause in text.split(';') {
            let clause = clause.trim();
            if clause.is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                return Err("an empty clause: write clauses as attribute=value|value, separated by `;`".to_string());
            }
            let Some((name, values)) = clause.split_once('=') else {
                return Err(format!("clause `{clause}` has no `=`: write attribute=value|value"));
            };
            let name = name.trim();
            let Some(attribute) = attributes.iter().position(|a| a == name) else {
                return Err(format!(
                    "clause `{clause}` names no attribute of the product (its attributes: {})",
                    attribute_list(attributes)
                ));
            };
            if clauses.iter().any(|(a, _)| *a == attribute) {
                return Err(format!("attribute {name} has two clauses; give its values in one, as {name}=a|b"));
            }
            let values: Vec<String> = values.split('|').map(|v| v.trim().to_string()).collect();
            if values.iter().any(|v| v.is_empty() || v.contains('=')) {
                return Err(format!("clause `{clause}` has an empty or malformed value: write attribute=value|value"));
            }
            clauses.push((attribute, values));
        }
        Ok(Condition { clauses })
    }

    /// The attributes its clauses name.
    fn attributes(&self) -> impl Iterator<Item = usize> + '_ {
        self.clauses.iter().map(|(a, _)| *a)
    }

    /// True when every clause holds for `value(attribute)`.
    fn holds<'v>(&self, value: impl Fn(usize) -> &'v str) -> bool {
        self.clauses.iter().all(|(a, values)| values.iter().any(|v| v == value(*a)))
    }
}

/// Reads an order's options `attr=value;attr=value` into `values` (one slot per attribute of the
/// product, `None` until given). A value given twice, an unknown attribute or a malformed pair
/// is an error.
fn parse_options<'t>(text: &'t str, attributes: &[String], values: &mut [Option<&'t str>]) -> Result<(), String> {
    for pair in text.split(';') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let Some((name, value)) = pair.split_once('=') else {
            return Err(format!("`{pair}` is not attribute=value"));
        };
        let (name, value) = (name.trim(), value.trim());
        set_option(name, value, attributes, values)?;
    }
    Ok(())
}

/// What is wrong with an order's options: the column at fault (`options` or an
/// `opt_<attribute>` column), its value and the message.
pub(crate) struct OptionsProblem<'t> {
    pub(crate) column: &'t str,
    pub(crate) value: &'t str,
    pub(crate) message: String,
}

/// An order's value per attribute (`None` where not given) from its `options` text and, in
/// row `row`, the `opt_<attribute>` columns `(column name, attribute, cells)`: the reader's
/// orders and the forecast's history read options alike.
pub(crate) fn option_values<'t>(
    text: Option<&'t str>,
    columns: &'t [(String, String, Vec<Cell<&'t str>>)],
    row: usize,
    attributes: &[String],
) -> Result<Vec<Option<&'t str>>, OptionsProblem<'t>> {
    let mut values = vec![None; attributes.len()];
    if let Some(text) = text {
        parse_options(text, attributes, &mut values).map_err(|message| OptionsProblem {
            column: "options",
            value: text,
            message,
        })?;
    }
    for (column, attribute, cells) in columns {
        let Some(value) = cells.get(row).and_then(|cell| cell.value()) else {
            continue;
        };
        set_option(attribute, value, attributes, &mut values).map_err(|message| OptionsProblem {
            column: column.as_str(),
            value,
            message,
        })?;
    }
    Ok(values)
}

/// Sets attribute `name` to `value` in `values`; an unknown attribute, an empty or malformed
/// value or a value given twice is an error.
fn set_option<'t>(
    name: &str,
    value: &'t str,
    attributes: &[String],
    values: &mut [Option<&'t str>],
) -> Result<(), String> {
    let Some(attribute) = attributes.iter().position(|a| a == name) else {
        return Err(format!("unknown attribute {name} (the product's attributes: {})", attribute_list(attributes)));
    };
    if value.is_empty() || value.contains(['=', ';', '|']) {
        return Err(format!("attribute {name} has an empty or malformed value `{value}`"));
    }
    match values.get_mut(attribute) {
        Some(slot @ None) => {
            *slot = Some(value);
            Ok(())
        }
        Some(Some(first)) => Err(format!("attribute {name} is given twice ({first} and {value})")),
        None => Err(format!("unknown attribute {name}")),
    }
}

/// The options in the product's attribute order, `attr=value;...`; an attribute left without
/// a value is an error naming it.
pub(crate) fn options_text(attributes: &[String], values: &[Option<&str>]) -> Result<String, String> {
    let missing: Vec<&str> =
        attributes.iter().zip(values).filter(|(_, v)| v.is_none()).map(|(a, _)| a.as_str()).collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing attribute {}: an order of this product gives a value for each of {}",
            missing.join(", "),
            attribute_list(attributes)
        ));
    }
    let mut text = String::new();
    for (attribute, value) in attributes.iter().zip(values) {
        if !text.is_empty() {
            text.push(';');
        }
        text.push_str(attribute);
        text.push('=');
        text.push_str(value.unwrap_or_default());
    }
    Ok(text)
}

/// The value of attribute `attribute` in an options text as [`options_text`] writes it.
fn option_value(text: &str, attribute: usize) -> &str {
    text.split(';').nth(attribute).and_then(|pair| pair.split_once('=')).map_or("", |(_, value)| value)
}

/// `TEE[colour=navy;size=M]`: the product id and its relevant attributes' values (just the id
/// when none is relevant).
pub fn class_id(product: &str, attributes: &[String], relevant: &[usize], values: &[String]) -> String {
    if relevant.is_empty() {
        return product.to_string();
    }
    let pairs: Vec<String> = relevant
        .iter()
        .zip(values)
        .map(|(&a, v)| format!("{}={v}", attributes.get(a).map_or("", String::as_str)))
        .collect();
    format!("{product}[{}]", pairs.join(";"))
}

/// Splits a class id `TEE[colour=navy;size=M]` into the product id and its `attr=value` text;
/// `None` when it has no brackets.
pub(crate) fn split_class_id(id: &str) -> Option<(&str, &str)> {
    let open = id.find('[')?;
    let inner = id[open + 1..].strip_suffix(']')?;
    Some((&id[..open], inner))
}

/// The values of `relevant` in a class id's inner text, or what is wrong with it.
pub(crate) fn class_values(inner: &str, attributes: &[String], relevant: &[usize]) -> Result<Vec<String>, String> {
    let expected = || {
        let names: Vec<String> =
            relevant.iter().map(|&a| format!("{}=…", attributes.get(a).map_or("", String::as_str))).collect();
        format!("this product's classes are named [{}]", names.join(";"))
    };
    let pairs: Vec<&str> = inner.split(';').collect();
    if pairs.len() != relevant.len() {
        return Err(expected());
    }
    let mut values = Vec::with_capacity(pairs.len());
    for (pair, &a) in pairs.iter().zip(relevant) {
        match pair.split_once('=') {
            Some((name, value))
                if Some(name.trim()) == attributes.get(a).map(String::as_str) && !value.trim().is_empty() =>
            {
                values.push(value.trim().to_string())
            }
            _ => return Err(expected()),
        }
    }
    Ok(values)
}

fn attribute_list(attributes: &[String]) -> String {
    attributes.join(", ")
}

/// The relevant attributes of a product: those a placeholder or a `when` clause of its rows
/// names, in its attribute order. Rows that do not parse (the reader reported them) name none.
pub fn relevant_attributes(product: &Configurable) -> Vec<usize> {
    let mut named = vec![false; product.attributes.len()];
    let mut mark = |a: usize| {
        if let Some(flag) = named.get_mut(a) {
            *flag = true;
        }
    };
    for line in &product.bom {
        Template::parse(&line.component, &product.attributes).iter().flat_map(Template::attributes).for_each(&mut mark);
        Condition::parse(&line.when, &product.attributes).iter().flat_map(Condition::attributes).for_each(&mut mark);
    }
    for row in &product.routings {
        if let Some(family) = &row.family {
            Template::parse(family, &product.attributes).iter().flat_map(Template::attributes).for_each(&mut mark);
        }
        Condition::parse(&row.when, &product.attributes).iter().flat_map(Condition::attributes).for_each(&mut mark);
    }
    named.iter().enumerate().filter(|(_, &n)| n).map(|(a, _)| a).collect()
}

/// Where a class comes from, for the messages about it.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// The first order of the class: its file, row and options.
    Order { file: String, row: usize, options: String },
    /// The mix combination of a product with a forecast.
    Mix { file: String },
    /// A receipt naming the class.
    Receipt { file: String, row: usize },
}

impl Origin {
    fn diagnostic(&self, class: &str, message: String) -> Diagnostic {
        match self {
            Origin::Order { file, row, options } => {
                Diagnostic::cell(file.clone(), *row, "options", options.clone(), format!("class {class}: {message}"))
            }
            Origin::Mix { file } => Diagnostic::file(
                file.clone(),
                format!("class {class}, a combination of the mix of a product with a forecast: {message}"),
            ),
            Origin::Receipt { file, row } => Diagnostic::cell(file.clone(), *row, "item", class.to_string(), message),
        }
    }
}

/// A receipt naming a class by its id, as read.
#[derive(Debug, Clone)]
pub(crate) struct ClassReceipt {
    pub(crate) product: usize,
    pub(crate) values: Vec<String>,
    pub(crate) period: usize,
    pub(crate) quantity: f64,
    pub(crate) origin: Origin,
}

/// What [`expand`] needs besides the plan read in catalog order.
pub(crate) struct Unexpanded {
    /// Per item of `input.items` (items.csv's order), its product index when configurable.
    pub(crate) product_of_item: Vec<Option<usize>>,
    /// The products with their rows as written.
    pub(crate) products: Vec<Configurable>,
    /// families.csv's rows with placeholders, with the file name and row of each.
    pub(crate) family_templates: Vec<(Family, String, usize)>,
    /// Per order of `input.orders`, the row it came from (for messages).
    pub(crate) order_rows: Vec<usize>,
    /// The orders table's name.
    pub(crate) orders_file: String,
    /// The mix table's name.
    pub(crate) mix_file: String,
    /// Receipts naming classes.
    pub(crate) class_receipts: Vec<ClassReceipt>,
}

/// Expands every configurable product of `input` (read in items.csv's order, the products'
/// orders naming the product's own index) into planning classes: removes the products from the
/// items, re-indexes every table, and appends the classes with their resolved rows. Problems
/// (a resolved component that is not an ordinary item, templates resolving to one family with
/// different values) are returned, each located at the class's first order, mix or receipt.
pub(crate) fn expand(mut input: PlanInput, unexpanded: Unexpanded) -> Result<PlanInput, Vec<Diagnostic>> {
    let Unexpanded { product_of_item, products, family_templates, order_rows, orders_file, mix_file, class_receipts } =
        unexpanded;
    let mut problems = Vec::new();
    // Ordinary items keep their order; products leave.
    let mut new_index = vec![usize::MAX; input.items.len()];
    let mut items = Vec::with_capacity(input.items.len());
    for (old, item) in std::mem::take(&mut input.items).into_iter().enumerate() {
        if product_of_item.get(old).copied().flatten().is_none() {
            new_index[old] = items.len();
            items.push(item);
        }
    }
    let n_ordinary = items.len();
    let map = |old: usize| new_index.get(old).copied().unwrap_or(usize::MAX);
    input.bom.retain(|edge| map(edge.parent) != usize::MAX && map(edge.component) != usize::MAX);
    input.bom.iter_mut().for_each(|edge| {
        edge.parent = map(edge.parent);
        edge.component = map(edge.component);
    });
    input.routings.retain(|row| map(row.item) != usize::MAX);
    input.routings.iter_mut().for_each(|row| row.item = map(row.item));
    // Routes keep their indices (routing rows refer to them); a product has none here.
    input.routes.iter_mut().for_each(|route| route.item = map(route.item));
    input.sources.retain(|source| map(source.item) != usize::MAX);
    input.sources.iter_mut().for_each(|source| source.item = map(source.item));
    input.receipts.retain(|receipt| map(receipt.item) != usize::MAX);
    input.receipts.iter_mut().for_each(|receipt| receipt.item = map(receipt.item));
    input.forecast.retain(|entry| map(entry.item) != usize::MAX);
    input.forecast.iter_mut().for_each(|entry| entry.item = map(entry.item));
    let ordinary_ids: HashMap<String, usize> = items.iter().enumerate().map(|(k, it)| (it.id.clone(), k)).collect();
    let product_ids: HashMap<&str, usize> =
        products.iter().enumerate().map(|(p, product)| (product.item.id.as_str(), p)).collect();

    let relevant: Vec<Vec<usize>> = products.iter().map(relevant_attributes).collect();
    // The classes of each product: relevant values -> slot, with where each came from.
    let mut keys: Vec<HashMap<String, usize>> = vec![HashMap::new(); products.len()];
    let mut found: Vec<(usize, Vec<String>, Origin)> = Vec::new();
    let mut order_class = vec![usize::MAX; input.orders.len()];
    let mut key = String::new();
    for (k, order) in input.orders.iter().enumerate() {
        let Some(options) = &order.options else {
            continue;
        };
        let Some(rel) = relevant.get(options.product) else {
            continue;
        };
        key.clear();
        for &a in rel {
            key.push_str(option_value(&options.text, a));
            key.push('\u{1f}');
        }
        let classes = &mut keys[options.product];
        let slot = match classes.get(key.as_str()) {
            Some(&slot) => slot,
            None => {
                let values = rel.iter().map(|&a| option_value(&options.text, a).to_string()).collect();
                let origin = Origin::Order {
                    file: orders_file.clone(),
                    row: order_rows.get(k).copied().unwrap_or(0),
                    options: options.text.clone(),
                };
                found.push((options.product, values, origin));
                classes.insert(key.clone(), found.len() - 1);
                found.len() - 1
            }
        };
        order_class[k] = slot;
    }
    let mut add_class = |product: usize, values: Vec<String>, origin: Origin, found: &mut Vec<_>| -> usize {
        let key: String = values.iter().flat_map(|v| [v.as_str(), "\u{1f}"]).collect();
        *keys[product].entry(key).or_insert_with(|| {
            found.push((product, values, origin));
            found.len() - 1
        })
    };
    for (p, product) in products.iter().enumerate() {
        if product.forecast.is_empty() {
            continue;
        }
        let per_attribute: Vec<Vec<&str>> = relevant[p]
            .iter()
            .map(|&a| {
                let name = &product.attributes[a];
                let mut values: Vec<&str> = Vec::new();
                for share in product.mix.iter().filter(|share| &share.attribute == name) {
                    if !values.contains(&share.value.as_str()) {
                        values.push(&share.value);
                    }
                }
                values
            })
            .collect();
        for combination in combinations(&per_attribute) {
            let values = combination.into_iter().map(str::to_string).collect();
            add_class(p, values, Origin::Mix { file: mix_file.clone() }, &mut found);
        }
    }
    let mut receipt_slots = Vec::with_capacity(class_receipts.len());
    for receipt in &class_receipts {
        receipt_slots.push(add_class(receipt.product, receipt.values.clone(), receipt.origin.clone(), &mut found));
    }

    // Classes in product order, each product's by class id.
    let ids: Vec<String> = found
        .iter()
        .map(|(p, values, _)| {
            let product = &products[*p];
            class_id(&product.item.id, &product.attributes, &relevant[*p], values)
        })
        .collect();
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by(|&a, &b| found[a].0.cmp(&found[b].0).then_with(|| ids[a].cmp(&ids[b])));
    let mut item_of_slot = vec![0; found.len()];
    for (k, &slot) in order.iter().enumerate() {
        item_of_slot[slot] = n_ordinary + k;
    }

    let listed_families = input.families.len();
    let mut family_index: HashMap<(String, usize), usize> =
        input.families.iter().enumerate().map(|(f, family)| ((family.id.clone(), family.resource), f)).collect();
    let mut classes = Vec::with_capacity(found.len());
    let mut class_items = Vec::with_capacity(found.len());
    for &slot in &order {
        let (p, values, origin) = &found[slot];
        let product = &products[*p];
        let class_item = item_of_slot[slot];
        let class = &ids[slot];
        let position: HashMap<usize, usize> = relevant[*p].iter().enumerate().map(|(k, &a)| (a, k)).collect();
        let value = |a: usize| position.get(&a).and_then(|&k| values.get(k)).map_or("", String::as_str);
        let mut item = Item { id: class.clone(), kind: ItemKind::Make, ..product.item.clone() };
        item.initial_inventory = 0.0;
        item.safety_stock = 0.0;
        class_items.push(item);
        // BOM: the lines that hold, resolved; lines of one component add up.
        let mut edges: Vec<BomEdge> = Vec::new();
        for line in &product.bom {
            let (Ok(template), Ok(condition)) = (
                Template::parse(&line.component, &product.attributes),
                Condition::parse(&line.when, &product.attributes),
            ) else {
                continue;
            };
            if !condition.holds(value) {
                continue;
            }
            let component = template.resolve(value);
            let Some(&component_idx) = ordinary_ids.get(component.as_str()) else {
                let what = if product_ids.contains_key(component.as_str()) {
                    "a configurable product (never a component)"
                } else {
                    "not an item of items.csv"
                };
                problems.push(origin.diagnostic(
                    class,
                    format!(
                        "bom.csv row {} (component {}) resolves to {component}, which is {what}",
                        line.row, line.component
                    ),
                ));
                continue;
            };
            match edges.iter_mut().find(|edge| edge.component == component_idx) {
                Some(edge) => edge.quantity += line.quantity,
                None => edges.push(BomEdge { parent: class_item, component: component_idx, quantity: line.quantity }),
            }
        }
        input.bom.extend(edges);
        // Routing rows that hold, their routes and resolved families.
        let mut class_routes: Vec<(String, usize)> = Vec::new();
        for row in &product.routings {
            let Ok(condition) = Condition::parse(&row.when, &product.attributes) else {
                continue;
            };
            if !condition.holds(value) {
                continue;
            }
            let route = row.route.as_ref().map(|route_id| {
                if let Some((_, idx)) = class_routes.iter().find(|(id, _)| id == route_id) {
                    return *idx;
                }
                let terms = product.routes.iter().find(|r| &r.id == route_id).map(|r| r.terms).unwrap_or_default();
                input.routes.push(Route { item: class_item, id: route_id.clone(), terms });
                class_routes.push((route_id.clone(), input.routes.len() - 1));
                input.routes.len() - 1
            });
            let family = match &row.family {
                None => None,
                Some(written) => {
                    let Ok(template) = Template::parse(written, &product.attributes) else {
                        continue;
                    };
                    let name = template.resolve(value);
                    let source = family_templates
                        .iter()
                        .find(|(family, _, _)| &family.id == written && family.resource == row.resource);
                    match (family_index.get(&(name.clone(), row.resource)), source) {
                        (Some(&f), Some((template_row, file, file_row))) => {
                            let family = &input.families[f];
                            if family.setup_time != template_row.setup_time
                                || family.setup_cost != template_row.setup_cost
                            {
                                problems.push(Diagnostic::cell(
                                    file.clone(),
                                    *file_row,
                                    "family",
                                    written.clone(),
                                    format!(
                                        "resolves to family {name} on this resource for class {class}, which \
                                         another families.csv row gives other setup values; one resolved family \
                                         has one setup_time and setup_cost"
                                    ),
                                ));
                            }
                            Some(f)
                        }
                        (Some(&f), None) => Some(f),
                        (None, Some((template_row, _, _))) => {
                            input.families.push(Family { id: name.clone(), ..template_row.clone() });
                            family_index.insert((name, row.resource), input.families.len() - 1);
                            Some(input.families.len() - 1)
                        }
                        // No row for it (the reader reported the row as written).
                        (None, None) => None,
                    }
                }
            };
            input.routings.push(Routing {
                route,
                family,
                ..Routing::new(class_item, row.resource, row.unit_time, row.setup_time, row.setup_cost)
            });
        }
        classes.push(PlanningClass { item: class_item, product: *p, values: values.clone() });
    }
    for (order, &slot) in input.orders.iter_mut().zip(&order_class) {
        order.item =
            if order.options.is_some() { item_of_slot.get(slot).copied().unwrap_or(0) } else { map(order.item) };
    }
    for (receipt, slot) in class_receipts.iter().zip(receipt_slots) {
        input.receipts.push(Receipt { item: item_of_slot[slot], period: receipt.period, quantity: receipt.quantity });
    }
    items.extend(class_items);
    input.items = items;
    input.configuration = Configuration {
        products,
        relevant,
        classes,
        family_templates: family_templates.into_iter().map(|(family, _, _)| family).collect(),
        listed_families,
    };
    if problems.is_empty() {
        Ok(input)
    } else {
        Err(problems)
    }
}

/// Every combination of one value per list (one empty combination for no lists).
fn combinations<'v>(lists: &[Vec<&'v str>]) -> Vec<Vec<&'v str>> {
    let mut all: Vec<Vec<&str>> = vec![Vec::new()];
    for list in lists {
        all = all
            .into_iter()
            .flat_map(|prefix| {
                list.iter().map(move |&v| {
                    let mut next = prefix.clone();
                    next.push(v);
                    next
                })
            })
            .collect();
    }
    all
}

/// The mix share of a class: the product over the relevant attributes of its value's share (0
/// for a value the mix does not list).
pub fn class_share(configuration: &Configuration, class: &PlanningClass) -> f64 {
    let (Some(product), Some(relevant)) =
        (configuration.products.get(class.product), configuration.relevant.get(class.product))
    else {
        return 0.0;
    };
    relevant
        .iter()
        .zip(&class.values)
        .map(|(&a, value)| {
            let name = product.attributes.get(a).map_or("", String::as_str);
            product.mix.iter().find(|s| s.attribute == name && &s.value == value).map_or(0.0, |s| s.share)
        })
        .product()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn templates_resolve_placeholders_and_report_bad_ones() {
        let a = attrs(&["colour", "size"]);
        let t = Template::parse("BLANK-{colour}-{size}", &a).expect("parses");
        assert!(t.has_placeholders());
        assert_eq!(t.resolve(|k| ["navy", "M"][k]), "BLANK-navy-M");
        assert!(!Template::parse("INK", &a).expect("plain").has_placeholders());
        assert!(Template::parse("X-{colr}", &a).unwrap_err().contains("placeholder {colr} names no attribute"));
        assert!(Template::parse("X-{colour", &a).unwrap_err().contains("without its `}`"));
        assert!(Template::parse("X-colour}", &a).unwrap_err().contains("without its `{`"));
    }

    #[test]
    fn conditions_and_across_attributes_or_within_one() {
        let a = attrs(&["colour", "size"]);
        let c = Condition::parse("colour=navy|black; size=L", &a).expect("parses");
        assert!(c.holds(|k| ["navy", "L"][k]));
        assert!(c.holds(|k| ["black", "L"][k]));
        assert!(!c.holds(|k| ["white", "L"][k]));
        assert!(!c.holds(|k| ["navy", "M"][k]));
        assert!(Condition::parse("", &a).expect("empty").holds(|_| "x"));
        assert!(Condition::parse("colour", &a).unwrap_err().contains("has no `=`"));
        assert!(Condition::parse("shade=navy", &a).unwrap_err().contains("names no attribute"));
        assert!(Condition::parse("colour=navy;colour=black", &a).unwrap_err().contains("two clauses"));
        assert!(Condition::parse("colour=navy|", &a).unwrap_err().contains("empty or malformed value"));
        assert!(Condition::parse("colour=navy;;size=M", &a).unwrap_err().contains("empty clause"));
    }

    #[test]
    fn options_are_checked_and_written_in_attribute_order() {
        let a = attrs(&["colour", "size", "design"]);
        let mut values = [None; 3];
        parse_options("size=M; design=D-1 ;colour=navy", &a, &mut values).expect("parses");
        assert_eq!(options_text(&a, &values).expect("complete"), "colour=navy;size=M;design=D-1");
        assert_eq!(option_value("colour=navy;size=M;design=D-1", 1), "M");
        let mut values = [None; 3];
        assert!(parse_options("size=M;size=L", &a, &mut values).unwrap_err().contains("given twice (M and L)"));
        let mut values = [None; 3];
        assert!(parse_options("fit=slim", &a, &mut values).unwrap_err().contains("unknown attribute fit"));
        let mut values = [None; 3];
        assert!(parse_options("colour", &a, &mut values).unwrap_err().contains("not attribute=value"));
        let mut values = [None; 3];
        parse_options("colour=navy", &a, &mut values).expect("parses");
        assert!(options_text(&a, &values).unwrap_err().contains("missing attribute size, design"));
    }

    #[test]
    fn class_ids_name_the_relevant_values_in_attribute_order() {
        let a = attrs(&["colour", "size", "design"]);
        let values = vec!["navy".to_string(), "M".to_string()];
        assert_eq!(class_id("TEE", &a, &[0, 1], &values), "TEE[colour=navy;size=M]");
        assert_eq!(class_id("TEE", &a, &[], &[]), "TEE");
        let (product, inner) = split_class_id("TEE[colour=navy;size=M]").expect("a class id");
        assert_eq!((product, inner), ("TEE", "colour=navy;size=M"));
        assert_eq!(class_values(inner, &a, &[0, 1]).expect("values"), values);
        assert!(class_values(inner, &a, &[0]).unwrap_err().contains("named [colour=…]"));
        assert!(class_values("size=M;colour=navy", &a, &[0, 1]).is_err());
        assert_eq!(split_class_id("TEE"), None);
    }

    #[test]
    fn combinations_take_one_value_per_list() {
        let lists = vec![vec!["a", "b"], vec!["x", "y", "z"]];
        let all = combinations(&lists);
        assert_eq!(all.len(), 6);
        assert_eq!(all[0], vec!["a", "x"]);
        assert_eq!(all[5], vec!["b", "z"]);
        assert_eq!(combinations(&[]), vec![Vec::<&str>::new()]);
    }
}
