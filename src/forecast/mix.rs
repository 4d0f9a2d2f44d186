//! The mix of a configurable product estimated from its order history (spec section 1.5:
//! `mix.csv`), so that its forecast for the product as a whole can be spread over its classes.
//!
//! Each order of the product in the history counts with its quantity times a recency weight:
//! the weight halves every [`HALF_LIFE_BUCKETS`] buckets back from the history's newest bucket,
//! so a colour trend shows in the mix within a season. The share of a value of an attribute is
//! its weighted quantity over the attribute's total. A value seen in the history gets at least
//! [`SHARE_FLOOR`] before the shares are scaled back to sum to 1: a rare colour keeps a class
//! (and its blanks some demand) rather than vanishing from the plan. Values never ordered get
//! no share. Only the product's relevant attributes are estimated (those its rows depend on;
//! a design attribute with a hundred thousand values is not).

use crate::error::{Diagnostic, Diagnostics, Result};
use crate::input::configure::option_values;
use crate::input::table::{Cell, Need, Table};
use crate::input::{Bucket, Horizon, PeriodOf, ProductAttributes};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Buckets after which an order's weight in the mix halves.
pub const HALF_LIFE_BUCKETS: f64 = 8.0;

/// The least share a value seen in the history gets (before the shares are scaled to sum to 1).
pub const SHARE_FLOOR: f64 = 0.01;

/// One row of `mix.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct MixRow {
    /// The product.
    pub item: String,
    /// The attribute.
    pub attribute: String,
    /// The value.
    pub value: String,
    /// Its share (the shares of one attribute sum to 1).
    pub share: f64,
}

/// Estimates the mix of every product of `products` from an orders history table (`item`,
/// `quantity`, `due_date`, and the configuration in `options` and/or `opt_<attribute>`
/// columns), with buckets of `bucket` length. Rows of products are product by product, then
/// attribute by attribute in the product's order, values sorted. A product without orders in
/// the history gets no rows.
///
/// # Errors
/// [`crate::Error::Input`]: an order of a product whose options do not parse (file, row,
/// column, value).
pub fn estimate_mix(history: &Table, products: &[ProductAttributes], bucket: Bucket) -> Result<Vec<MixRow>> {
    let mut diags = Diagnostics::new();
    let items = history.ids("item", Need::Required, &mut diags);
    let quantities =
        history.numbers("quantity", crate::input::table::NumberRule::NonNegative, Need::Required, &mut diags);
    let dates = history.dates("due_date", Need::Required, &mut diags);
    let options = history.ids("options", Need::Optional, &mut diags);
    let columns: Vec<(String, String, Vec<Cell<&str>>)> = history
        .column_names()
        .into_iter()
        .filter_map(|name| {
            let attribute = name.strip_prefix("opt_")?.to_string();
            let cells = history.ids(&name, Need::Optional, &mut diags);
            Some((name, attribute, cells))
        })
        .collect();
    let product_of: BTreeMap<&str, usize> = products.iter().enumerate().map(|(p, pr)| (pr.id.as_str(), p)).collect();
    // (product, attribute index in `attributes`, value) -> (bucket, quantity) of each order.
    let mut seen: Vec<(usize, usize, String, NaiveDate, f64)> = Vec::new();
    for row in 0..history.height() {
        let Some(&p) = cell(&items, row).and_then(|id| product_of.get(id)) else {
            continue;
        };
        let (Some(Cell::Value(quantity)), Some(Cell::Value(date))) = (quantities.get(row), dates.get(row)) else {
            continue;
        };
        let product = &products[p];
        let values = match option_values(cell(&options, row), &columns, row, &product.attributes) {
            Ok(values) => values,
            Err(problem) => {
                let message = format!("{} (an order of {})", problem.message, product.id);
                history.report(&mut diags, row, problem.column, problem.value, message);
                continue;
            }
        };
        for (a, value) in values.iter().enumerate() {
            if let (Some(value), true) = (value, product.relevant.contains(&product.attributes[a])) {
                seen.push((p, a, value.to_string(), *date, *quantity));
            }
        }
    }
    if !diags.is_empty() {
        return diags.finish(Vec::new());
    }
    let Some(newest) = seen.iter().map(|s| s.3).max() else {
        return Ok(Vec::new());
    };
    let oldest = seen.iter().map(|s| s.3).min().unwrap_or(newest);
    let calendar = Horizon { start: oldest, bucket, periods: usize::MAX / 2 };
    let index = |date: NaiveDate| match calendar.locate(date) {
        PeriodOf::InHorizon(t) => t as f64,
        PeriodOf::PastDue | PeriodOf::BeyondHorizon => 0.0,
    };
    let last = index(newest);
    let mut weighted: BTreeMap<(usize, usize, String), f64> = BTreeMap::new();
    for (p, a, value, date, quantity) in seen {
        let age = last - index(date);
        *weighted.entry((p, a, value)).or_insert(0.0) += quantity * 0.5f64.powf(age / HALF_LIFE_BUCKETS);
    }
    let mut rows = Vec::new();
    let mut groups: BTreeMap<(usize, usize), Vec<(String, f64)>> = BTreeMap::new();
    for ((p, a, value), weight) in weighted {
        groups.entry((p, a)).or_default().push((value, weight));
    }
    for ((p, a), values) in groups {
        let total: f64 = values.iter().map(|(_, w)| w).sum();
        let floored: Vec<f64> = values
            .iter()
            .map(|(_, w)| if total > 0.0 { (w / total).max(SHARE_FLOOR) } else { 1.0 / values.len() as f64 })
            .collect();
        let sum: f64 = floored.iter().sum();
        let mut shares: Vec<f64> = floored.iter().map(|s| crate::format::snap(s / sum)).collect();
        // Snapped shares must still sum to 1 (within 1e-6, as the reader checks): the largest
        // share takes the remainder.
        let rest = 1.0 - shares.iter().sum::<f64>();
        if let Some(largest) = (0..shares.len()).max_by(|&x, &y| shares[x].total_cmp(&shares[y]).then(y.cmp(&x))) {
            shares[largest] = crate::format::snap(shares[largest] + rest);
        }
        for ((value, _), share) in values.into_iter().zip(shares) {
            if share > 0.0 {
                rows.push(MixRow {
                    item: products[p].id.clone(),
                    attribute: products[p].attributes[a].clone(),
                    value,
                    share,
                });
            }
        }
    }
    Ok(rows)
}

/// The text in row `row` of a column, if any.
fn cell<'t>(cells: &[Cell<&'t str>], row: usize) -> Option<&'t str> {
    cells.get(row).and_then(|c| c.value())
}

/// A diagnostic for a relevant attribute of a product ordered in the history that no order
/// gave a value for (then the plan's reader would refuse its forecast).
pub fn missing_attributes(rows: &[MixRow], products: &[ProductAttributes], forecast_items: &[&str]) -> Vec<Diagnostic> {
    let mut missing = Vec::new();
    for product in products.iter().filter(|p| forecast_items.contains(&p.id.as_str())) {
        for attribute in &product.relevant {
            if !rows.iter().any(|r| r.item == product.id && &r.attribute == attribute) {
                missing.push(Diagnostic::file(
                    "mix.csv",
                    format!(
                        "the history gives no value of {}'s attribute {attribute} (relevant: its rows depend on \
                         it), so its mix cannot be estimated; add rows for it to mix.csv by hand",
                        product.id
                    ),
                ));
            }
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(rows: &[(&str, f64, &str, &str)]) -> Table {
        let mut text = String::from("item,quantity,due_date,options\n");
        for (item, quantity, due, options) in rows {
            text.push_str(&format!("{item},{quantity},{due},{options}\n"));
        }
        crate::input::table::parse_csv("history", text.as_bytes()).expect("a table")
    }

    fn tee() -> Vec<ProductAttributes> {
        vec![ProductAttributes {
            id: "TEE".into(),
            attributes: vec!["colour".into(), "size".into(), "design".into()],
            relevant: vec!["colour".into(), "size".into()],
        }]
    }

    /// In one bucket the shares are the quantities' shares; design (not relevant) gets none.
    #[test]
    fn shares_of_one_bucket_are_quantity_shares() {
        let h = history(&[
            ("TEE", 3.0, "2026-01-05", "colour=navy;size=M;design=D-1"),
            ("TEE", 1.0, "2026-01-06", "colour=white;size=M;design=D-2"),
            ("HAT", 9.0, "2026-01-06", ""),
        ]);
        let rows = estimate_mix(&h, &tee(), Bucket::Week).expect("estimated");
        let got: Vec<(&str, &str, f64)> =
            rows.iter().map(|r| (r.attribute.as_str(), r.value.as_str(), r.share)).collect();
        assert_eq!(got, [("colour", "navy", 0.75), ("colour", "white", 0.25), ("size", "M", 1.0)]);
    }

    /// An order 8 weeks older weighs half: 2 navy now and 4 white 8 weeks ago are 2 : 2.
    #[test]
    fn weights_halve_every_eight_buckets() {
        let h = history(&[
            ("TEE", 4.0, "2026-01-05", "colour=white;size=M;design=D-1"),
            ("TEE", 2.0, "2026-03-02", "colour=navy;size=M;design=D-1"),
        ]);
        let rows = estimate_mix(&h, &tee(), Bucket::Week).expect("estimated");
        assert_eq!(rows[0].share, 0.5);
        assert_eq!(rows[1].share, 0.5);
    }

    /// A value with 0.1 % of the units gets the 1 % floor; the shares still sum to 1.
    #[test]
    fn rare_values_get_the_floor() {
        let h = history(&[
            ("TEE", 999.0, "2026-01-05", "colour=navy;size=M;design=D-1"),
            ("TEE", 1.0, "2026-01-05", "colour=pink;size=M;design=D-1"),
        ]);
        let rows = estimate_mix(&h, &tee(), Bucket::Week).expect("estimated");
        let pink = rows.iter().find(|r| r.value == "pink").expect("pink");
        assert!((pink.share - 0.01 / 1.009).abs() < 1e-6);
        let colour: f64 = rows.iter().filter(|r| r.attribute == "colour").map(|r| r.share).sum();
        assert!((colour - 1.0).abs() < 1e-9);
    }

    #[test]
    fn bad_options_name_the_row() {
        let h = history(&[("TEE", 1.0, "2026-01-05", "colour=navy;colour=white")]);
        let error = estimate_mix(&h, &tee(), Bucket::Week).expect_err("refused").to_string();
        assert!(error.contains("history, row 2, column options"), "{error}");
        assert!(error.contains("given twice"), "{error}");
    }
}
