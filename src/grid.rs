//! [`Grid`]: one value per row (an item, a resource) and period, the shape of almost every
//! table of the formulation (`x[i,t]`, `I[i,t]`, `C[r,t]`, ...). The one place that knows the
//! cells are stored row-major (`row * periods + t`).

use serde::Serialize;
use std::ops::{Index, IndexMut};

/// A table of `rows x periods` values, stored row-major.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Grid<T> {
    #[serde(skip)]
    periods: usize,
    cells: Vec<T>,
}

impl<T> Default for Grid<T> {
    /// No rows and no periods.
    fn default() -> Self {
        Grid { periods: 0, cells: Vec::new() }
    }
}

impl<T: Clone> Grid<T> {
    /// `rows x periods` cells, each `fill`.
    pub fn new(rows: usize, periods: usize, fill: T) -> Self {
        Grid { periods, cells: vec![fill; rows.saturating_mul(periods)] }
    }
}

impl<T> Grid<T> {
    /// A grid over `cells` given row-major; `None` unless their number is a multiple of
    /// `periods`.
    pub fn from_cells(periods: usize, cells: Vec<T>) -> Option<Self> {
        let fits = if periods == 0 { cells.is_empty() } else { cells.len().is_multiple_of(periods) };
        fits.then_some(Grid { periods, cells })
    }

    /// Number of periods (columns).
    pub fn periods(&self) -> usize {
        self.periods
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.cells.len().checked_div(self.periods).unwrap_or(0)
    }

    /// The cell of `row` in period `t`, `None` out of range.
    pub fn get(&self, row: usize, t: usize) -> Option<&T> {
        if t < self.periods {
            self.cells.get(row.checked_mul(self.periods)?.checked_add(t)?)
        } else {
            None
        }
    }

    /// The cell of `row` in period `t`, `None` out of range.
    pub fn get_mut(&mut self, row: usize, t: usize) -> Option<&mut T> {
        if t < self.periods {
            self.cells.get_mut(row.checked_mul(self.periods)?.checked_add(t)?)
        } else {
            None
        }
    }

    /// The periods of one row.
    pub fn row(&self, row: usize) -> &[T] {
        &self.cells[row * self.periods..(row + 1) * self.periods]
    }

    /// The periods of one row, mutable.
    pub fn row_mut(&mut self, row: usize) -> &mut [T] {
        &mut self.cells[row * self.periods..(row + 1) * self.periods]
    }

    /// The rows in order.
    pub fn iter_rows(&self) -> impl Iterator<Item = &[T]> {
        self.cells.chunks_exact(self.periods.max(1))
    }

    /// Every cell, row-major.
    pub fn cells(&self) -> &[T] {
        &self.cells
    }

    /// Every cell, row-major, mutable.
    pub fn cells_mut(&mut self) -> &mut [T] {
        &mut self.cells
    }

    /// The cells, row-major.
    pub fn into_cells(self) -> Vec<T> {
        self.cells
    }

    /// The same shape with each cell mapped.
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> Grid<U> {
        Grid { periods: self.periods, cells: self.cells.iter().map(f).collect() }
    }
}

impl<T> Index<(usize, usize)> for Grid<T> {
    type Output = T;

    fn index(&self, (row, t): (usize, usize)) -> &T {
        assert!(t < self.periods, "period {t} out of range 0..{}", self.periods);
        &self.cells[row * self.periods + t]
    }
}

impl<T> IndexMut<(usize, usize)> for Grid<T> {
    fn index_mut(&mut self, (row, t): (usize, usize)) -> &mut T {
        assert!(t < self.periods, "period {t} out of range 0..{}", self.periods);
        &mut self.cells[row * self.periods + t]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_row_major() {
        let mut g = Grid::new(2, 3, 0);
        g[(1, 2)] = 7;
        g[(0, 1)] = 4;
        assert_eq!(g.cells(), [0, 4, 0, 0, 0, 7]);
        assert_eq!(g.row(1), [0, 0, 7]);
        assert_eq!((g.rows(), g.periods()), (2, 3));
        assert_eq!(g.get(0, 3), None);
        assert_eq!(g.get(2, 0), None);
        assert_eq!(g.iter_rows().count(), 2);
    }

    #[test]
    fn from_cells_needs_whole_rows() {
        assert!(Grid::from_cells(3, vec![1, 2, 3, 4]).is_none());
        assert_eq!(Grid::from_cells(2, vec![1, 2, 3, 4]).map(|g| g.rows()), Some(2));
        assert_eq!(Grid::<u8>::from_cells(0, vec![]).map(|g| g.rows()), Some(0));
    }

    #[test]
    #[should_panic(expected = "period 3 out of range")]
    fn a_period_beyond_the_row_is_not_the_next_row() {
        let g = Grid::new(2, 3, 0);
        let _ = g[(0, 3)];
    }
}
