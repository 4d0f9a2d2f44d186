//! Demand classes by ADI and CV² with the Syntetos-Boylan cut-offs.
//!
//! - **ADI** (average demand interval): the mean of the intervals between non-zero buckets, the
//!   first counted from one bucket before the series start (the intervals Croston smooths).
//! - **CV²**: the squared coefficient of variation of the non-zero demand sizes (population
//!   standard deviation over mean, squared); 0 with a single non-zero bucket.
//!
//! ADI < 1.32 and CV² < 0.49: smooth; ADI < 1.32, CV² >= 0.49: erratic; ADI >= 1.32,
//! CV² < 0.49: intermittent; otherwise lumpy. A series with no demand at all is `NoDemand`.

use super::methods::intervals;
use serde::Serialize;

/// The ADI cut-off of Syntetos and Boylan.
pub const ADI_CUTOFF: f64 = 1.32;
/// The CV² cut-off of Syntetos and Boylan.
pub const CV2_CUTOFF: f64 = 0.49;

/// A demand class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum DemandClass {
    /// Regular demand, regular sizes.
    Smooth,
    /// Regular demand, varying sizes.
    Erratic,
    /// Sporadic demand, regular sizes.
    Intermittent,
    /// Sporadic demand, varying sizes.
    Lumpy,
    /// No demand in the history.
    NoDemand,
}

impl DemandClass {
    /// Every class, in report order.
    pub const ALL: [DemandClass; 5] = [
        DemandClass::Smooth,
        DemandClass::Erratic,
        DemandClass::Intermittent,
        DemandClass::Lumpy,
        DemandClass::NoDemand,
    ];

    /// The name in output tables.
    pub fn name(self) -> &'static str {
        match self {
            DemandClass::Smooth => "smooth",
            DemandClass::Erratic => "erratic",
            DemandClass::Intermittent => "intermittent",
            DemandClass::Lumpy => "lumpy",
            DemandClass::NoDemand => "no_demand",
        }
    }
}

/// A series' class with the two measures it was decided by.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Classification {
    /// Average demand interval (`None` without demand).
    pub adi: Option<f64>,
    /// Squared coefficient of variation of the non-zero sizes (`None` without demand).
    pub cv2: Option<f64>,
    /// The class.
    pub class: DemandClass,
}

/// Classifies one series.
pub fn classify(history: &[f64]) -> Classification {
    let gaps = intervals(history);
    let sizes: Vec<f64> = history.iter().copied().filter(|&v| v != 0.0).collect();
    if gaps.is_empty() || sizes.is_empty() {
        return Classification { adi: None, cv2: None, class: DemandClass::NoDemand };
    }
    let adi = gaps.iter().sum::<f64>() / gaps.len() as f64;
    let mean = sizes.iter().sum::<f64>() / sizes.len() as f64;
    let variance = sizes.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / sizes.len() as f64;
    let cv2 = if mean > 0.0 { variance / (mean * mean) } else { 0.0 };
    let class = match (adi < ADI_CUTOFF, cv2 < CV2_CUTOFF) {
        (true, true) => DemandClass::Smooth,
        (true, false) => DemandClass::Erratic,
        (false, true) => DemandClass::Intermittent,
        (false, false) => DemandClass::Lumpy,
    };
    Classification { adi: Some(adi), cv2: Some(cv2), class }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_by_hand() {
        // Every bucket has demand 5: ADI 1, CV² 0.
        assert_eq!(classify(&[5.0; 6]).class, DemandClass::Smooth);
        // Sizes 1 and 9: mean 5, variance 16, CV² 0.64; ADI 1.
        assert_eq!(classify(&[1.0, 9.0]).class, DemandClass::Erratic);
        // Demand every third bucket, size 4: ADI 3, CV² 0.
        assert_eq!(classify(&[0.0, 0.0, 4.0, 0.0, 0.0, 4.0]).class, DemandClass::Intermittent);
        // ADI 3, sizes 1 and 9.
        let lumpy = classify(&[0.0, 0.0, 1.0, 0.0, 0.0, 9.0]);
        assert_eq!(lumpy.class, DemandClass::Lumpy);
        assert_eq!(lumpy.adi, Some(3.0));
        assert!((lumpy.cv2.unwrap_or(0.0) - 0.64).abs() < 1e-12);
        assert_eq!(classify(&[0.0, 0.0]).class, DemandClass::NoDemand);
    }

    #[test]
    fn cut_offs_are_inclusive_on_the_sporadic_side() {
        let classification = classify(&[0.0, 2.0, 2.0, 2.0]);
        // intervals 2, 1, 1: ADI 4/3 = 1.333 >= 1.32 -> intermittent
        assert_eq!(classification.class, DemandClass::Intermittent);
    }
}
