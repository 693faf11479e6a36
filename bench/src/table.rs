//! Tables for the report: Markdown for the README, plain columns for a terminal (comfy-table,
//! which does both, with no wrapping).

use comfy_table::presets::{ASCII_MARKDOWN, NOTHING};

/// Rows under headers.
#[derive(Clone, Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers and no rows.
    pub fn new(headers: &[&str]) -> Self {
        Table { headers: headers.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as Markdown, or as aligned text.
    pub fn render(&self, markdown: bool) -> String {
        let mut table = comfy_table::Table::new();
        table.load_preset(if markdown { ASCII_MARKDOWN } else { NOTHING });
        table.set_header(self.headers.clone());
        for row in &self.rows {
            table.add_row(row.clone());
        }
        format!("{table}\n")
    }
}
