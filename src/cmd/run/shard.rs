//! Which shard this process is: `--shard`, else a Slurm job array, else a Kubernetes
//! Indexed Job.

use ingest::Shard;

/// The shard this process is, and where that came from: `--shard`, else a Slurm job array,
/// else a Kubernetes Indexed Job (whose index needs `--shard-count`).
pub(super) fn resolve_shard(
    flag: Option<Shard>,
    count: Option<u32>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<(Shard, String)>, String> {
    if let Some(shard) = flag {
        return Ok(Some((shard, "--shard".to_string())));
    }
    let number = |name: &str| -> Result<Option<u32>, String> {
        env(name)
            .map(|v| {
                v.trim()
                    .parse::<u32>()
                    .map_err(|_| format!("{name}={v:?} is not a number"))
            })
            .transpose()
    };
    if let (Some(id), Some(tasks)) = (
        number("SLURM_ARRAY_TASK_ID")?,
        number("SLURM_ARRAY_TASK_COUNT")?,
    ) {
        // Arrays may start anywhere (--array=1-16) and step (--array=0-30:2).
        let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        let offset = id.checked_sub(min).ok_or_else(|| {
            format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")
        })?;
        let shard = Shard::new(offset / step, tasks).map_err(|e| format!("Slurm array: {e}"))?;
        return Ok(Some((shard, "SLURM_ARRAY_TASK_ID".to_string())));
    }
    if let Some(index) = number("JOB_COMPLETION_INDEX")? {
        let count = count.ok_or_else(|| {
            "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the shard count is not: \
             pass --shard-count with the Job's completions"
                .to_string()
        })?;
        let shard = Shard::new(index, count).map_err(|e| format!("JOB_COMPLETION_INDEX: {e}"))?;
        return Ok(Some((shard, "JOB_COMPLETION_INDEX".to_string())));
    }
    if count.is_some() {
        return Err("--shard-count needs JOB_COMPLETION_INDEX (or use --shard I/N)".to_string());
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Environment variables, as (name, value).
    type Env<'a> = &'a [(&'a str, &'a str)];
    /// (what the row tests, `--shard`, `--shard-count`, environment, the shard expected as
    /// (index, count, origin)).
    type ShardRow<'a> = (
        &'a str,
        Option<&'a str>,
        Option<u32>,
        Env<'a>,
        Option<(u32, u32, &'a str)>,
    );
    /// (what the row tests, `--shard-count`, environment, what the error must name).
    type ShardErrorRow<'a> = (&'a str, Option<u32>, Env<'a>, &'a str);

    /// (index, count, origin) of the shard `resolve_shard` picks from a flag, a count and
    /// these environment variables.
    fn shard_from(
        flag: Option<&str>,
        count: Option<u32>,
        env: Env,
    ) -> Result<Option<(u32, u32, String)>, String> {
        let flag = flag.map(|f| Shard::parse(f).expect("flag"));
        let lookup = |name: &str| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        resolve_shard(flag, count, lookup).map(|s| s.map(|(s, o)| (s.index, s.count, o)))
    }

    #[test]
    fn shards_come_from_the_flag_then_slurm_then_kubernetes() {
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
        ];
        let rows: [ShardRow; 7] = [
            ("nothing: no shard", None, None, &[], None),
            (
                "the flag wins",
                Some("1/4"),
                None,
                &slurm,
                Some((1, 4, "--shard")),
            ),
            (
                "a Slurm array from 0",
                None,
                None,
                &slurm,
                Some((5, 8, "SLURM_ARRAY_TASK_ID")),
            ),
            (
                "a Slurm array from 1",
                None,
                None,
                &[
                    ("SLURM_ARRAY_TASK_ID", "8"),
                    ("SLURM_ARRAY_TASK_COUNT", "8"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                ],
                Some((7, 8, "SLURM_ARRAY_TASK_ID")),
            ),
            (
                "a Slurm array with a step",
                None,
                None,
                &[
                    ("SLURM_ARRAY_TASK_ID", "6"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                    ("SLURM_ARRAY_TASK_STEP", "2"),
                ],
                Some((3, 4, "SLURM_ARRAY_TASK_ID")),
            ),
            (
                "a Kubernetes Indexed Job",
                None,
                Some(3),
                &[("JOB_COMPLETION_INDEX", "2")],
                Some((2, 3, "JOB_COMPLETION_INDEX")),
            ),
            (
                "Slurm before Kubernetes",
                None,
                Some(3),
                &[("JOB_COMPLETION_INDEX", "2"), slurm[0], slurm[1]],
                Some((5, 8, "SLURM_ARRAY_TASK_ID")),
            ),
        ];
        for (what, flag, count, env, want) in rows {
            let want = want.map(|(i, n, o)| (i, n, o.to_string()));
            assert_eq!(shard_from(flag, count, env), Ok(want), "{what}");
        }
    }

    #[test]
    fn shard_settings_that_cannot_be_used_are_errors_naming_them() {
        let rows: [ShardErrorRow; 5] = [
            (
                "an index with no count",
                None,
                &[("JOB_COMPLETION_INDEX", "2")],
                "--shard-count",
            ),
            (
                "a count with no index",
                Some(3),
                &[],
                "JOB_COMPLETION_INDEX",
            ),
            (
                "an index out of range",
                Some(3),
                &[("JOB_COMPLETION_INDEX", "3")],
                "JOB_COMPLETION_INDEX",
            ),
            (
                "a task id that is no number",
                None,
                &[
                    ("SLURM_ARRAY_TASK_ID", "x"),
                    ("SLURM_ARRAY_TASK_COUNT", "2"),
                ],
                "SLURM_ARRAY_TASK_ID",
            ),
            (
                "a task id below the array's first",
                None,
                &[
                    ("SLURM_ARRAY_TASK_ID", "0"),
                    ("SLURM_ARRAY_TASK_COUNT", "2"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                ],
                "SLURM_ARRAY_TASK_MIN",
            ),
        ];
        for (what, count, env, named) in rows {
            let error = shard_from(None, count, env).expect_err(what);
            assert!(error.contains(named), "{what}: {error}");
        }
    }
}
