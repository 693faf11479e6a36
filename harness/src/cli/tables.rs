//! Tables of the gate's reports, through comfy-table (alignment and Markdown escaping done once,
//! not by hand per report). No terminal width is consulted: the same input gives the same bytes.

use comfy_table::{presets, ContentArrangement, Table};

/// A terminal table: no borders, one rule under the header.
const HEADER_RULE_ONLY: &str = "     ──            ";

/// `rows` under `header`: aligned columns for a terminal, or a GitHub Markdown table.
pub(crate) fn render(header: &[&str], rows: &[Vec<String>], markdown: bool) -> String {
    let mut table = Table::new();
    table.load_preset(if markdown { presets::ASCII_MARKDOWN } else { HEADER_RULE_ONLY });
    table.set_content_arrangement(ContentArrangement::Disabled);
    let cell = |text: &str| if markdown { text.replace('|', "\\|").replace('\n', " ") } else { text.to_owned() };
    table.set_header(header.iter().map(|h| cell(h)));
    for row in rows {
        table.add_row(row.iter().map(|c| cell(c)));
    }
    let mut out: String = table.lines().map(|l| l.trim_end().to_owned() + "\n").collect();
    if out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_escapes_pipes_and_the_terminal_aligns() {
        let rows = vec![vec!["a|b".to_owned(), "1".to_owned()]];
        let md = super::render(&["x", "y"], &rows, true);
        assert_eq!(md, "| x    | y |\n|------|---|\n| a\\|b | 1 |\n");
        let text = super::render(&["x", "y"], &rows, false);
        assert_eq!(text, " x     y\n─────────\n a|b   1\n");
    }
}
