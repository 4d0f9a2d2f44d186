//! (being written) Bucketed demand `D[item, period]`.
