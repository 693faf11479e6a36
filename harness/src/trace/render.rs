use super::Step;

/// Draws steps as an interleaving: a step-number column, then one column per actor in order of
/// first appearance; each row holds one step in its actor's column. Trailing spaces are trimmed.
///
/// ```text
/// step  main                            janitor
///    1  t1: publish handle, then start
///    2                                  janitor: t1 handle set, not alive ...
/// ```
pub(super) fn interleaving(steps: &[Step]) -> String {
    if steps.is_empty() {
        return "(no events recorded: the trace keeps the `tracing` events of the crates the scenario names; \
                see `Scenario::traces`)\n"
            .to_owned();
    }
    let mut actors: Vec<&str> = Vec::new();
    for step in steps {
        if !actors.contains(&step.actor.as_str()) {
            actors.push(&step.actor);
        }
    }
    let widths: Vec<usize> = actors
        .iter()
        .map(|a| {
            steps.iter().filter(|s| s.actor == *a).map(|s| s.text.chars().count()).chain([a.len()]).max().unwrap_or(0)
        })
        .collect();
    let number_width = steps.len().to_string().len().max(4);

    let mut out = String::new();
    let row = |out: &mut String, first: &str, cells: &mut dyn Iterator<Item = String>| {
        let mut line = format!("{first:>number_width$}");
        for (cell, width) in cells.zip(&widths) {
            line.push_str("  ");
            line.push_str(&format!("{cell:<width$}"));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    row(&mut out, "step", &mut actors.iter().map(|a| a.to_string()));
    row(&mut out, &"-".repeat(number_width), &mut widths.iter().map(|w| "-".repeat(*w)));
    for (i, step) in steps.iter().enumerate() {
        let mut cells = actors.iter().map(|a| if *a == step.actor { step.text.clone() } else { String::new() });
        row(&mut out, &(i + 1).to_string(), &mut cells);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_trace_says_so() {
        assert!(interleaving(&[]).starts_with("(no events recorded"));
    }

    #[test]
    fn one_column_per_actor_one_row_per_step() {
        let step = |a: &str, t: &str| Step { actor: a.into(), text: t.into() };
        let text = interleaving(&[step("main", "publish"), step("janitor", "scan"), step("main", "start")]);
        assert_eq!(
            text,
            "step  main     janitor\n\
             ----  -------  -------\n   \
                1  publish\n   \
                2           scan\n   \
                3  start\n"
        );
    }
}
