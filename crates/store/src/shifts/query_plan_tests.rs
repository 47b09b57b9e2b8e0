//! The lookups every punch makes must reach their row through an index that holds only
//! the rows they want (migration 0014), not through `shifts_employee_time`, which holds
//! every shift the employee ever worked: there the cost of a punch grew with the history.
//! SQLite's plans are deterministic for a schema, so the plan is the check; PostgreSQL's
//! depend on statistics (checked by hand with `EXPLAIN` on seeded data, BENCHMARKS.md).

use crate::testing::fresh;
use crate::StoreKind;

#[tokio::test]
async fn punch_lookups_skip_the_employees_history() {
    let (store, _db) = fresh(StoreKind::Sqlite).await.expect("a SQLite store");
    let inline = store.inline().expect("SQLite reads inline");
    for (what, sql, index) in [
        (
            "clock-out",
            super::punch::CLOCK_OUT.as_str(),
            "shifts_one_open",
        ),
        ("open shift", super::OPEN_SHIFT.as_str(), "shifts_one_open"),
        (
            "unconfirmed shift",
            super::auto_close::UNCONFIRMED.as_str(),
            "shifts_employee_unconfirmed",
        ),
    ] {
        let plan = inline
            .read(|c| {
                let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                // Unbound parameters: the plan does not depend on their values.
                let nulls = std::iter::repeat_n(rusqlite::types::Null, st.parameter_count());
                let rows = st
                    .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows.join("\n"))
            })
            .expect("the plan");
        let shifts_lines: Vec<&str> = plan
            .lines()
            .filter(|l| l.contains(" s USING") || l.contains("shifts USING"))
            .collect();
        assert_eq!(
            shifts_lines.len(),
            1,
            "{what}: one search of shifts expected in\n{plan}"
        );
        assert!(
            shifts_lines[0].contains(&format!(
                "USING INDEX {index} (company_id=? AND employee_id=?)"
            )),
            "{what}: expected {index} in\n{plan}"
        );
    }
}
