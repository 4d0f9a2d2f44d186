//! `flexplan generate`: a seeded synthetic (or adversarial) plan directory.

use super::exit::{self, Failure};
use super::GenerateArgs;
use flexplan::generate::{ConfigurableSpec, FlexibleSpec, StorefrontSpec};

pub(super) fn run(args: GenerateArgs) -> Result<i32, Failure> {
    let GenerateArgs {
        seed,
        items,
        orders,
        periods,
        bucket,
        start,
        routes,
        subcontract,
        suppliers,
        joint_order_cost,
        families,
        unmet_cost,
        adversarial,
        flexible,
        configurable,
        storefront,
        products,
        colours,
        sizes,
        designs,
        out_dir,
    } = args;
    let input = if storefront {
        let spec = StorefrontSpec { seed, products, colours, sizes, designs, orders, periods, start };
        flexplan::generate::generate_storefront(&spec)?
    } else if adversarial && configurable {
        flexplan::generate::generate_configurable_adversarial(&ConfigurableSpec::for_seed(seed))?
    } else if adversarial {
        let spec = flexplan::generate::AdversarialSpec::for_seed(seed);
        if flexible {
            flexplan::generate::generate_flexible_adversarial(&spec)?
        } else {
            flexplan::generate::generate_adversarial(&spec)?
        }
    } else {
        let flexibility = FlexibleSpec { routes, subcontract, suppliers, joint_order_cost, families, unmet_cost };
        let spec = flexplan::generate::GenerateSpec {
            seed,
            items,
            orders,
            periods,
            bucket: bucket.into(),
            start,
            flexible: flexibility,
        };
        flexplan::generate::generate(&spec)?
    };
    flexplan::input::write_plan_dir(&input, &out_dir)?;
    let configuration = &input.configuration;
    if !configuration.is_empty() {
        let n_ordinary = configuration.first_class_item(input.items.len());
        sayln!(
            "wrote {} items and {} configurable products ({} planning classes), {} orders over {} {}s to {}",
            n_ordinary,
            configuration.products.len(),
            configuration.classes.len(),
            input.orders.len(),
            input.horizon.periods,
            input.horizon.bucket.as_str(),
            out_dir.display()
        );
        return Ok(exit::OK);
    }
    // The version-2 tables, for a flexible plan.
    let options = if flexible {
        format!(
            ", {} routes, {} sources from {} suppliers, {} setup families",
            input.routes.len(),
            input.sources.len(),
            input.suppliers.len(),
            input.families.len()
        )
    } else {
        String::new()
    };
    sayln!(
        "wrote {} items, {} BOM edges, {} resources, {} orders over {} {}s{options} to {}",
        input.items.len(),
        input.bom.len(),
        input.resources.len(),
        input.orders.len(),
        input.horizon.periods,
        input.horizon.bucket.as_str(),
        out_dir.display()
    );
    if !(input.routes.is_empty() && input.sources.is_empty() && input.families.is_empty()) {
        println!(
            "version 2: {} routes, {} sources from {} suppliers, {} setup families",
            input.routes.len(),
            input.sources.len(),
            input.suppliers.len(),
            input.families.len()
        );
    }
    Ok(exit::OK)
}
