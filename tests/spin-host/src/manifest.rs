//! Spin manifest v2 (`spin.toml`) and runtime config (`runtime-config.toml`) parsing,
//! plus application-variable resolution the way Spin's env provider does it.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
struct RawManifest {
    spin_manifest_version: Option<toml::Value>,
    #[serde(default)]
    variables: BTreeMap<String, RawVariable>,
    #[serde(default)]
    trigger: RawTriggers,
    #[serde(default)]
    component: BTreeMap<String, RawComponent>,
}

#[derive(Debug, Default, Deserialize)]
struct RawTriggers {
    #[serde(default)]
    http: Vec<RawHttpTrigger>,
}

#[derive(Debug, Deserialize)]
struct RawHttpTrigger {
    route: toml::Value,
    component: toml::Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariable {
    default: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    secret: bool,
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawComponent {
    source: toml::Value,
    #[serde(default)]
    key_value_stores: Vec<String>,
    #[serde(default)]
    sqlite_databases: Vec<String>,
    #[serde(default)]
    allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
    #[serde(default)]
    environment: BTreeMap<String, String>,
}

/// One HTTP route of the app.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub route: String,
    pub component: String,
}

/// One component, with everything resolved that can be resolved at startup.
#[derive(Debug, Clone)]
pub struct ComponentSpec {
    pub name: String,
    pub source: PathBuf,
    pub key_value_stores: Vec<String>,
    pub sqlite_databases: Vec<String>,
    pub allowed_outbound_hosts: Vec<String>,
    /// Component variable name -> rendered value (or the reason it has none).
    pub variables: HashMap<String, Result<String, String>>,
    pub environment: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct App {
    pub routes: Vec<RouteSpec>,
    pub components: Vec<ComponentSpec>,
}

pub fn load_manifest(path: &Path) -> Result<App> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading manifest {}", path.display()))?;
    let raw: RawManifest =
        toml::from_str(&text).with_context(|| format!("parsing manifest {}", path.display()))?;
    match raw.spin_manifest_version.as_ref() {
        Some(toml::Value::Integer(2)) => {}
        Some(toml::Value::String(s)) if s == "2" => {}
        other => bail!("only spin_manifest_version = 2 is supported (got {other:?})"),
    }
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();

    // Application variables: env SPIN_VARIABLE_<NAME> overrides the default.
    let mut app_vars: HashMap<String, Result<String, String>> = HashMap::new();
    for (name, var) in &raw.variables {
        check_variable_name(name).with_context(|| format!("application variable `{name}`"))?;
        if var.required && var.default.is_some() {
            bail!("variable `{name}`: `required` and `default` are mutually exclusive");
        }
        if !var.required && var.default.is_none() {
            bail!("variable `{name}`: needs either `default` or `required = true`");
        }
        let env_name = format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase());
        let value = match std::env::var(&env_name) {
            Ok(v) => Ok(v),
            Err(_) => match &var.default {
                Some(d) => Ok(d.clone()),
                None => bail!(
                    "required variable `{name}` has no value (set {env_name}){}",
                    if var.secret { " [secret]" } else { "" }
                ),
            },
        };
        app_vars.insert(name.clone(), value);
    }

    let mut components = Vec::new();
    for (name, c) in &raw.component {
        let source = match &c.source {
            toml::Value::String(s) => base.join(s),
            other => bail!(
                "component `{name}`: only a local `source = \"path.wasm\"` is supported (got {other})"
            ),
        };
        let mut variables = HashMap::new();
        for (var, template) in &c.variables {
            check_variable_name(var).with_context(|| format!("component `{name}` variable `{var}`"))?;
            let value = render_template(template, &app_vars)
                .with_context(|| format!("component `{name}` variable `{var}`"))?;
            variables.insert(var.clone(), Ok(value));
        }
        let allowed_outbound_hosts = c
            .allowed_outbound_hosts
            .iter()
            .map(|h| render_template(h, &app_vars))
            .collect::<Result<Vec<_>>>()
            .with_context(|| format!("component `{name}` allowed_outbound_hosts"))?;
        components.push(ComponentSpec {
            name: name.clone(),
            source,
            key_value_stores: c.key_value_stores.clone(),
            sqlite_databases: c.sqlite_databases.clone(),
            allowed_outbound_hosts,
            variables,
            environment: c.environment.clone().into_iter().collect(),
        });
    }

    let mut routes = Vec::new();
    for t in &raw.trigger.http {
        let route = match &t.route {
            toml::Value::String(s) => s.clone(),
            other => bail!("only string routes are supported (got {other})"),
        };
        let component = match &t.component {
            toml::Value::String(s) => s.clone(),
            other => bail!("route {route}: only `component = \"name\"` is supported (got {other})"),
        };
        if !raw.component.contains_key(&component) {
            bail!("route {route} refers to unknown component `{component}`");
        }
        routes.push(RouteSpec { route, component });
    }
    if routes.is_empty() {
        bail!("manifest has no [[trigger.http]] routes");
    }
    Ok(App { routes, components })
}

/// Spin variable names: lower-case ASCII letters, digits and single underscores,
/// starting with a letter.
pub fn check_variable_name(name: &str) -> Result<()> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_');
    if !ok {
        bail!("invalid variable name `{name}` (lower-case letters, digits, single underscores)");
    }
    Ok(())
}

/// Render a Spin template such as `"https://{{ host }}:{{port}}"` against app variables.
fn render_template(template: &str, vars: &HashMap<String, Result<String, String>>) -> Result<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .with_context(|| format!("unterminated `{{{{` in `{template}`"))?;
        let name = after[..end].trim();
        match vars.get(name) {
            Some(Ok(v)) => out.push_str(v),
            Some(Err(e)) => bail!("variable `{name}`: {e}"),
            None => bail!("template refers to undeclared application variable `{name}`"),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[derive(Debug, Deserialize, Default)]
struct RawRuntimeConfig {
    #[serde(default)]
    key_value_store: BTreeMap<String, RawStore>,
    #[serde(default)]
    sqlite_database: BTreeMap<String, RawStore>,
}

#[derive(Debug, Deserialize)]
struct RawStore {
    #[serde(rename = "type")]
    kind: String,
    path: Option<String>,
}

/// Where a labelled store lives: `None` = in memory (Spin's `type = "spin"` without `path`).
#[derive(Debug, Default)]
pub struct RuntimeConfig {
    pub key_value: BTreeMap<String, Option<PathBuf>>,
    pub sqlite: BTreeMap<String, Option<PathBuf>>,
}

pub fn load_runtime_config(path: Option<&Path>, state_dir: &Path) -> Result<RuntimeConfig> {
    let raw: RawRuntimeConfig = match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading runtime config {}", p.display()))?;
            toml::from_str(&text).with_context(|| format!("parsing runtime config {}", p.display()))?
        }
        None => RawRuntimeConfig::default(),
    };
    let resolve = |section: &str, map: BTreeMap<String, RawStore>| -> Result<BTreeMap<String, Option<PathBuf>>> {
        map.into_iter()
            .map(|(label, s)| {
                if s.kind != "spin" {
                    bail!("[{section}.{label}]: only type = \"spin\" is supported (got `{}`)", s.kind);
                }
                Ok((label, s.path.map(|p| state_dir.join(p))))
            })
            .collect()
    };
    let mut cfg = RuntimeConfig {
        key_value: resolve("key_value_store", raw.key_value_store)?,
        sqlite: resolve("sqlite_database", raw.sqlite_database)?,
    };
    // Like Spin, the `default` label always exists unless the runtime config overrides it.
    cfg.key_value
        .entry("default".into())
        .or_insert_with(|| Some(state_dir.join("sqlite_key_value.db")));
    cfg.sqlite
        .entry("default".into())
        .or_insert_with(|| Some(state_dir.join("sqlite_db.db")));
    Ok(cfg)
}
