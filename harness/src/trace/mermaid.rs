//! A failing interleaving as a mermaid `sequenceDiagram`, for Markdown reports (GitHub renders
//! it in job summaries and PR comments). The text columns of [`Trace::render`](super::Trace)
//! stay for terminals.
//!
//! One participant per thread or task (in order of first appearance, like the text columns),
//! one note per step in its actor's lane, numbered as in the text trace. Two steps are
//! highlighted, by a rule that depends only on the steps and the failure message:
//!
//! - the **violating step** (red) is the step whose words best match the failure message (each
//!   word of three letters or more counts as often as the message uses it; ties go to the later
//!   step); when no step shares a word with it, the last step;
//! - the **conflicting step** (amber) is the latest earlier step of *another* actor that shares a
//!   word with the violating step (the same session, pid, handle…); when none does, the latest
//!   earlier step of another actor.
//!
//! A trace longer than [`WHOLE`] steps is shown around those two (the elided steps are one note
//! each side; the text trace has them all).

use crate::outcome::TraceStep;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Traces up to this many steps are drawn whole.
pub const WHOLE: usize = 60;
/// Steps shown before the conflicting step, and after the violating one, in a longer trace.
const BEFORE: usize = 12;
const AFTER: usize = 4;
/// The failure message, cut to this many characters, annotates the violating step.
const MESSAGE: usize = 100;

const CONFLICT_COLOUR: &str = "rgb(255, 236, 179)";
const VIOLATION_COLOUR: &str = "rgb(255, 205, 210)";

/// Words that say nothing about which step it was.
const STOP: [&str; 16] = [
    "the", "and", "for", "not", "was", "with", "its", "has", "had", "but", "after", "before", "safety", "oracle",
    "violated", "liveness",
];

/// The racing steps of `steps` for a failure reading `failure`: (conflicting, violating), as
/// indices into `steps` (see the module docs for the rule). `None` for an empty trace.
pub fn racing_steps(steps: &[TraceStep], failure: &str) -> Option<(Option<usize>, usize)> {
    let last = steps.len().checked_sub(1)?;
    let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
    for word in words(failure) {
        *wanted.entry(word).or_default() += 1;
    }
    let score = |step: &TraceStep| {
        let mut mine = words(&step.text);
        mine.sort();
        mine.dedup();
        mine.iter().map(|w| wanted.get(w).copied().unwrap_or(0)).sum::<usize>()
    };
    let (best, violating) = steps.iter().enumerate().fold((0, last), |(best, at), (i, step)| {
        let s = score(step);
        if s > 0 && s >= best {
            (s, i)
        } else {
            (best, at)
        }
    });
    let violating = if best == 0 { last } else { violating };
    let target = &steps[violating];
    let shared = |step: &TraceStep| {
        let theirs = words(&target.text);
        words(&step.text).iter().any(|w| theirs.contains(w))
    };
    let others = || (0..violating).rev().filter(|&j| steps[j].actor != target.actor);
    let conflicting = others().find(|&j| shared(&steps[j])).or_else(|| others().next());
    Some((conflicting, violating))
}

/// The interleaving as a mermaid `sequenceDiagram` (without the code fence).
pub fn sequence_diagram(steps: &[TraceStep], failure: &str) -> String {
    let mut out = String::from("sequenceDiagram\n");
    let Some((conflicting, violating)) = racing_steps(steps, failure) else {
        out.push_str("    participant none as (no events recorded)\n");
        return out;
    };
    let (start, end) = if steps.len() <= WHOLE {
        (0, steps.len())
    } else {
        (conflicting.unwrap_or(violating).saturating_sub(BEFORE), (violating + AFTER + 1).min(steps.len()))
    };
    let shown = &steps[start..end];
    let mut actors: Vec<&str> = Vec::new();
    for step in shown {
        if !actors.contains(&step.actor.as_str()) {
            actors.push(&step.actor);
        }
    }
    let id = |actor: &str| format!("p{}", actors.iter().position(|a| *a == actor).unwrap_or(0) + 1);
    for (i, actor) in actors.iter().enumerate() {
        let _ = writeln!(out, "    participant p{} as {}", i + 1, escape(actor, true));
    }
    let everyone = if actors.len() > 1 { format!("p1,p{}", actors.len()) } else { "p1".to_owned() };
    if start > 0 {
        let _ = writeln!(out, "    Note over {everyone}: steps 1 to {start} not shown (the text trace has them)");
    }
    for (offset, step) in shown.iter().enumerate() {
        let i = start + offset;
        let note = format!("    Note over {}: {}. {}\n", id(&step.actor), i + 1, escape(&step.text, false));
        let colour = match i {
            i if i == violating => Some(VIOLATION_COLOUR),
            i if Some(i) == conflicting => Some(CONFLICT_COLOUR),
            _ => None,
        };
        match colour {
            None => out.push_str(&note),
            Some(colour) => {
                let _ = writeln!(out, "    rect {colour}");
                out.push_str("    ");
                out.push_str(&note);
                if i == violating {
                    let message: String = failure.chars().take(MESSAGE).collect();
                    let cut = if failure.chars().count() > MESSAGE { "…" } else { "" };
                    let _ = writeln!(out, "        Note over {}: ✗ {}{cut}", id(&step.actor), escape(&message, false));
                }
                out.push_str("    end\n");
            }
        }
    }
    if end < steps.len() {
        let _ = writeln!(out, "    Note over {everyone}: steps {} to {} not shown", end + 1, steps.len());
    }
    out
}

/// Lowercase words of three letters or more, stop words left out, in order.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

/// Text mermaid shows as written: its statement separators and markup as entity codes.
fn escape(text: &str, alias: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' | '\r' => out.push(' '),
            ':' if alias => out.push_str("#58;"),
            ',' if alias => out.push_str("#44;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(actor: &str, text: &str) -> TraceStep {
        TraceStep { actor: actor.into(), text: text.into() }
    }

    /// seed 002's race: the janitor fails the healthy task between publish and start.
    fn janitor() -> Vec<TraceStep> {
        vec![
            step("main", "healthy: publish handle, then start"),
            step("janitor", "healthy: handle set, not alive, unreported -> FAILURE thread death"),
            step("healthy", "healthy running"),
            step("main", "dies: publish handle, then start"),
            step("janitor", "dies: handle set, not alive, unreported -> FAILURE thread death"),
        ]
    }

    const JANITOR_FAILURE: &str = "safety oracle violated: healthy task failed with \"thread death\"";

    #[test]
    fn the_violating_step_matches_the_message_and_the_conflict_shares_its_words() {
        assert_eq!(racing_steps(&janitor(), JANITOR_FAILURE), Some((Some(0), 1)));
    }

    #[test]
    fn without_a_match_the_last_step_violates_and_the_nearest_other_actor_conflicts() {
        let steps = [step("a", "one"), step("b", "two"), step("b", "three")];
        assert_eq!(racing_steps(&steps, "deadlock! blocked tasks"), Some((Some(0), 2)));
        assert_eq!(racing_steps(&[step("a", "alone")], "x"), Some((None, 0)));
        assert_eq!(racing_steps(&[], "x"), None);
    }

    #[test]
    fn the_diagram_has_one_lane_per_actor_and_both_racing_steps_highlighted() {
        let diagram = sequence_diagram(&janitor(), JANITOR_FAILURE);
        assert_eq!(
            diagram,
            "sequenceDiagram
    participant p1 as main
    participant p2 as janitor
    participant p3 as healthy
    rect rgb(255, 236, 179)
        Note over p1: 1. healthy: publish handle, then start
    end
    rect rgb(255, 205, 210)
        Note over p2: 2. healthy: handle set, not alive, unreported -#gt; FAILURE thread death
        Note over p2: ✗ safety oracle violated: healthy task failed with \"thread death\"
    end
    Note over p3: 3. healthy running
    Note over p1: 4. dies: publish handle, then start
    Note over p2: 5. dies: handle set, not alive, unreported -#gt; FAILURE thread death
"
        );
    }

    #[test]
    fn markup_and_separators_are_escaped() {
        assert_eq!(escape("ws#1; <unknown>", false), "ws#35;1#59; #lt;unknown#gt;");
        assert_eq!(escape("a:b,c", true), "a#58;b#44;c");
    }

    #[test]
    fn a_long_trace_is_shown_around_the_race() {
        let mut steps: Vec<TraceStep> = (0..100).map(|i| step("main", &format!("tick {i}"))).collect();
        steps[70] = step("reaper", "evict busy");
        steps[80] = step("client", "busy evicted while running");
        let diagram = sequence_diagram(&steps, "'busy' evicted while its turn runs");
        assert!(diagram.contains("Note over p1,p3: steps 1 to 58 not shown"), "{diagram}");
        assert!(diagram.contains("Note over p1,p3: steps 86 to 100 not shown"), "{diagram}");
        assert!(diagram.contains("rect rgb(255, 205, 210)\n        Note over p3: 81. busy evicted while running"));
        assert!(diagram.contains("rect rgb(255, 236, 179)\n        Note over p2: 71. evict busy"));
    }
}
