//! The key table against `FileConfig` (serde's own field list) and against the flags (clap's).
use super::*;
use crate::config::file::{BudgetConfig, FileConfig};
use serde::de::{Deserialize, Visitor};

/// What [`Introspect`] reports: the field names serde's derive passes to `deserialize_struct`.
#[derive(Debug)]
struct Fields(&'static [&'static str]);

impl std::fmt::Display for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}
impl std::error::Error for Fields {}
impl serde::de::Error for Fields {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Fields(&[])
    }
}

/// A deserializer that only asks a struct for its field names (serde has no reflection API).
struct Introspect;

impl<'de> serde::Deserializer<'de> for Introspect {
    type Error = Fields;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
        Err(Fields(&[]))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Fields> {
        Err(Fields(fields))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

fn fields<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
    match T::deserialize(Introspect) {
        Err(Fields(f)) => f.to_vec(),
        Ok(_) => unreachable!("Introspect never yields a value"),
    }
}

fn sorted(mut names: Vec<&'static str>) -> Vec<&'static str> {
    names.sort_unstable();
    names
}

#[test]
fn the_key_tables_list_every_field_of_the_file_once() {
    let table = sorted(keys().iter().map(|k| k.name).collect());
    assert_eq!(table, sorted(fields::<FileConfig>()));
    let budgets = sorted(budget_keys().iter().map(|k| k.name).collect());
    assert_eq!(budgets, sorted(fields::<BudgetConfig>()));
}

#[test]
fn each_key_names_a_flag_of_every_command_it_lists() {
    use clap::CommandFactory;
    let cli = crate::cli::Cli::command();
    for k in keys().iter().chain(&budget_keys()) {
        let Some(long) = k.flag.strip_prefix("--") else {
            continue;
        };
        for name in k.commands {
            let sub = cli
                .find_subcommand(name)
                .unwrap_or_else(|| panic!("{name}"));
            // The command's own flags, the global ones, or (`cache list`, `cache clean`) those
            // of every one of its subcommands.
            let own = sub
                .get_arguments()
                .chain(cli.get_arguments())
                .find(|a| a.get_long() == Some(long));
            let nested: Vec<_> = sub
                .get_subcommands()
                .map(|s| s.get_arguments().find(|a| a.get_long() == Some(long)))
                .collect();
            let args: Vec<_> = match own {
                Some(arg) => vec![Some(arg)],
                None if !nested.is_empty() => nested,
                None => vec![None],
            };
            for arg in args {
                let arg =
                    arg.unwrap_or_else(|| panic!("key {}: `{name}` has no {}", k.name, k.flag));
                assert!(!arg.is_hide_set(), "{} {}", name, k.flag);
            }
        }
        // A plain default is what the first command's help says (`[default: 20]`).
        if !k.default.contains(' ') && !k.default.starts_with('(') && k.default != "false" {
            let sub = cli.find_subcommand(k.commands[0]).unwrap();
            let arg = sub
                .get_arguments()
                .find(|a| a.get_long() == Some(long))
                .unwrap();
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let wanted = format!("[default: {}]", k.default);
            assert!(
                help.contains(&wanted),
                "{} {long}: {help:?} lacks {wanted}",
                k.commands[0]
            );
        }
    }
}

#[test]
fn find_resolves_nested_paths_to_their_key() {
    assert_eq!(find("runs").unwrap().expects, "a whole number");
    assert_eq!(find("env.MYPKG").unwrap().name, "env");
    assert_eq!(find("budgets.max_modules.pkg").unwrap().name, "max_modules");
    assert_eq!(find("budgets").unwrap().name, "budgets");
    assert!(find("nope").is_none());
}

#[test]
fn the_long_help_lists_every_key() {
    let help = key_help();
    for k in keys().iter().chain(&budget_keys()) {
        assert!(help.contains(&format!("  {}: ", k.name)), "{}", k.name);
    }
}
