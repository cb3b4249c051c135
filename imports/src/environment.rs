//! Where a guest's arguments and environment variables come from.

use std::fmt::Debug;

/// A source of arguments and environment variables, read once when the
/// guest's [`crate::Host`] is built. [`crate::ModuleConfig`]'s own `arg`
/// and `env` lists are the default; [`HostEnvironment`] passes the host's
/// through; embedders may write their own.
pub trait Environment: Send + Sync + Debug {
    /// Arguments, `argv[0]` first.
    fn args(&self) -> Vec<String>;
    /// Variables as (name, value) pairs.
    fn vars(&self) -> Vec<(String, String)>;
}

/// The host process's environment variables (only those named in
/// `allow`, or all when `allow` is empty; variables that are not Unicode
/// are skipped) and no arguments.
#[derive(Clone, Debug, Default)]
pub struct HostEnvironment {
    /// The variable names to pass through; empty passes all.
    pub allow: Vec<String>,
}

impl Environment for HostEnvironment {
    fn args(&self) -> Vec<String> {
        Vec::new()
    }
    fn vars(&self) -> Vec<(String, String)> {
        std::env::vars_os()
            .filter_map(|(n, v)| Some((n.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(n, _)| self.allow.is_empty() || self.allow.contains(n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_environment_passes_only_what_is_allowed() {
        let all = HostEnvironment::default().vars();
        assert_eq!(
            all.len(),
            std::env::vars_os()
                .filter(|(n, v)| n.to_str().is_some() && v.to_str().is_some())
                .count()
        );
        let only = HostEnvironment {
            allow: vec!["SURELY_NOT_SET_ANYWHERE".into()],
        }
        .vars();
        assert!(only.is_empty());
        if let Some((name, value)) = all.first() {
            let one = HostEnvironment {
                allow: vec![name.clone()],
            }
            .vars();
            assert_eq!(one, [(name.clone(), value.clone())]);
        }
    }
}
