//! shifts.csv's `standup_missed_tasks` cell straight from the stored standup check's JSON:
//! the titles of the tasks the standup did not mention, `; `-separated, written while the
//! JSON is read — no vector of tasks, no `String` per title. It accepts exactly what
//! `serde_json::from_str::<domain::StandupCheck>` accepts (the same field names, types,
//! required fields, duplicate and unknown-field rules, and serde's sequence form of a
//! struct); for anything else the cell is empty, as it was when that parse failed.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Appends the missed tasks of `json` (a [`domain::StandupCheck`]) to `out`; nothing when
/// `json` is not one.
pub fn missed(out: &mut String, json: &str) {
    let at = out.len();
    let mut de = serde_json::Deserializer::from_str(json);
    let mut first = true;
    let ok = Check {
        out: &mut *out,
        first: &mut first,
    }
    .deserialize(&mut de)
    .is_ok()
        && de.end().is_ok();
    if !ok {
        out.truncate(at);
    }
}

/// A JSON string borrowed from the input when it has no escapes (what `#[serde(borrow)]`
/// does for a `Cow<str>` field; a plain `Cow<str>` would allocate every key and title).
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(s))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s))
    }
}

/// `null` or a string, borrowed when it can be (the evidence).
struct OptionalText;

impl<'de> DeserializeSeed<'de> for OptionalText {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptionalText {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        Text.deserialize(d).map(|_| ())
    }
}

/// `{"tasks": [...]}`, the tasks written as they are read.
struct Check<'o> {
    out: &'o mut String,
    first: &'o mut bool,
}

/// The tasks array.
struct Tasks<'o> {
    out: &'o mut String,
    first: &'o mut bool,
}

/// One `{"task", "mentioned", "evidence"}`: its title when not mentioned.
struct Mention;

impl<'de> DeserializeSeed<'de> for Check<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("StandupCheck", &["tasks"], self)
    }
}

impl<'de> Visitor<'de> for Check<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct StandupCheck")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let tasks = Tasks {
            out: self.out,
            first: self.first,
        };
        match seq.next_element_seed(tasks)? {
            Some(()) => Ok(()),
            None => Err(de::Error::invalid_length(
                0,
                &"struct StandupCheck with 1 element",
            )),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = false;
        while let Some(key) = map.next_key_seed(Text)? {
            if key != "tasks" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if seen {
                return Err(de::Error::duplicate_field("tasks"));
            }
            seen = true;
            map.next_value_seed(Tasks {
                out: &mut *self.out,
                first: &mut *self.first,
            })?;
        }
        if seen {
            Ok(())
        } else {
            Err(de::Error::missing_field("tasks"))
        }
    }
}

impl<'de> DeserializeSeed<'de> for Tasks<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Tasks<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(title) = seq.next_element_seed(Mention)? {
            if let Some(title) = title {
                if !std::mem::take(self.first) {
                    self.out.push_str("; ");
                }
                self.out.push_str(&title);
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Mention {
    /// The title when the task was not mentioned.
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_struct("TaskMention", &["task", "mentioned", "evidence"], self)
    }
}

/// The missed title, if the task was not mentioned.
fn title<'de>(task: Cow<'de, str>, mentioned: bool) -> Option<Cow<'de, str>> {
    (!mentioned).then_some(task)
}

impl<'de> Visitor<'de> for Mention {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct TaskMention")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        const WANT: &str = "struct TaskMention with 3 elements";
        let task = seq
            .next_element_seed(Text)?
            .ok_or_else(|| de::Error::invalid_length(0, &WANT))?;
        let mentioned: bool = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(1, &WANT))?;
        seq.next_element_seed(OptionalText)?
            .ok_or_else(|| de::Error::invalid_length(2, &WANT))?;
        Ok(title(task, mentioned))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut task, mut mentioned, mut evidence) = (None, None, false);
        while let Some(key) = map.next_key_seed(Text)? {
            match &*key {
                "task" if task.is_some() => return Err(de::Error::duplicate_field("task")),
                "task" => task = Some(map.next_value_seed(Text)?),
                "mentioned" if mentioned.is_some() => {
                    return Err(de::Error::duplicate_field("mentioned"))
                }
                "mentioned" => mentioned = Some(map.next_value::<bool>()?),
                "evidence" if evidence => return Err(de::Error::duplicate_field("evidence")),
                "evidence" => {
                    evidence = true;
                    map.next_value_seed(OptionalText)?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let task = task.ok_or_else(|| de::Error::missing_field("task"))?;
        let mentioned = mentioned.ok_or_else(|| de::Error::missing_field("mentioned"))?;
        Ok(title(task, mentioned))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::StandupCheck;

    /// The cell as it was: the domain type parsed, its missed titles joined.
    fn reference(json: &str) -> String {
        serde_json::from_str::<StandupCheck>(json)
            .map(|c| c.missed().collect::<Vec<_>>().join("; "))
            .unwrap_or_default()
    }

    fn written(json: &str) -> String {
        let mut s = String::from("before|");
        missed(&mut s, json);
        s.strip_prefix("before|")
            .unwrap_or("lost the prefix")
            .to_string()
    }

    #[test]
    fn accepts_and_rejects_what_the_domain_type_does() {
        for json in [
            r#"{"tasks":[{"task":"Fix login","mentioned":false,"evidence":null},{"task":"Ship","mentioned":true,"evidence":"shipped"},{"task":"Über \"x\"","mentioned":false}]}"#,
            r#"{"tasks":[]}"#,
            r#" { "other": [1, {"a": 2}], "tasks" : [ {"evidence": "e", "mentioned": false, "task": "caf\u00e9", "x": null} ] } "#,
            r#"{"tasks":[{"task":"a","mentioned":false},{"task":"b","mentioned":false}]}"#,
            r#"[[["a",false,null],["b",true,"said b"],["c",false,"no"]]]"#,
            r#"{"tasks":[["a",false,null],{"task":"b","mentioned":false}]}"#,
            // Not a check: each must give an empty cell, even after writing a title.
            r#"{"tasks":[{"task":"a","mentioned":false},{"task":"b"}]}"#,
            r#"{"tasks":[{"task":"a","mentioned":false},{"mentioned":false}]}"#,
            r#"{"tasks":[{"task":"a","mentioned":false,"task":"b"}]}"#,
            r#"{"tasks":[{"task":"a","mentioned":false,"mentioned":true}]}"#,
            r#"{"tasks":[{"task":"a","mentioned":false,"evidence":null,"evidence":"x"}]}"#,
            r#"{"tasks":[{"task":"a","mentioned":false,"evidence":3}]}"#,
            r#"{"tasks":[{"task":"a","mentioned":0}]}"#,
            r#"{"tasks":[{"task":1,"mentioned":false}]}"#,
            r#"{"tasks":[],"tasks":[]}"#,
            r#"{"tasks":[{"task":"a","mentioned":false}]} x"#,
            r#"{"tasks":[{"task":"a","mentioned":false}]"#,
            r#"{"tasks":{}}"#,
            r#"{"task":[]}"#,
            r#"[]"#,
            r#"[[["a",false]]]"#,
            r#"[[["a",false,null,1]]]"#,
            r#"[[],1]"#,
            r#"{"tasks":[{"task":"a\ud800","mentioned":false}]}"#,
            "",
            "not json",
            "null",
        ] {
            assert_eq!(written(json), reference(json), "{json}");
        }
        assert_eq!(
            written(r#"{"tasks":[{"task":"a","mentioned":false},{"task":"b","mentioned":false}]}"#),
            "a; b"
        );
    }

    proptest::proptest! {
        /// Checks the analyzer could write, with titles and evidence of any text.
        #[test]
        fn any_check_gives_the_domain_types_titles(
            tasks in proptest::collection::vec(("\\PC{0,12}", proptest::prelude::any::<bool>(), proptest::option::of("\\PC{0,12}")), 0..6),
        ) {
            let check = StandupCheck {
                tasks: tasks
                    .into_iter()
                    .map(|(task, mentioned, evidence)| domain::TaskMention { task, mentioned, evidence })
                    .collect(),
            };
            let json = serde_json::to_string(&check).unwrap_or_default();
            proptest::prop_assert_eq!(written(&json), reference(&json));
        }
    }
}
