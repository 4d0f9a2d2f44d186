//! `flexplan import trigeiro|tempelmeier`: a public benchmark instance as a plan directory.

use super::exit::{self, Failure};
use super::ImportFormat;

pub(super) fn run(format: ImportFormat) -> Result<i32, Failure> {
    match format {
        ImportFormat::Trigeiro { file, out_dir, unit_time } => {
            let mut instance = flexplan::import::trigeiro::read_trigeiro(&file)?;
            if let Some(unit_time) = unit_time {
                instance = instance.with_unit_times(unit_time);
            }
            let input = instance.to_plan_input();
            flexplan::input::write_plan_dir(&input, &out_dir)?;
            sayln!(
                "wrote {} items, {} periods, capacity {}, {} orders to {}",
                instance.n_items(),
                instance.n_periods,
                instance.capacity,
                input.orders.len(),
                out_dir.display()
            );
            Ok(exit::OK)
        }
        ImportFormat::Tempelmeier { cap_file, out_dir, setup_costs } => {
            let files = flexplan::import::tempelmeier::TempelmeierFiles::for_capacity_file(&cap_file, setup_costs)?;
            let instance = flexplan::import::tempelmeier::read_tempelmeier(&files)?;
            let input = instance.to_plan_input();
            flexplan::input::write_plan_dir(&input, &out_dir)?;
            sayln!(
                "wrote {} ({} items, {} BOM arcs, {} resources, {} periods, {} orders) to {}",
                instance.name,
                input.items.len(),
                input.bom.len(),
                input.resources.len(),
                instance.n_periods,
                input.orders.len(),
                out_dir.display()
            );
            Ok(exit::OK)
        }
    }
}
