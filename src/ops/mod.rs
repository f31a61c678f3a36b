//! What the commands do. Each operation takes plain arguments and returns data; printing is
//! the binary's job.

pub mod add;
pub mod build;
pub mod check;
pub mod init;
pub mod inspect;
pub mod leftovers;
pub mod names;
pub mod provenance;
pub mod receive;
pub mod release;
pub mod remove;
pub mod storage;
pub mod validate;
pub mod verify;

use minijinja::Environment;

/// The templates of the files editio writes for a person to edit (`editio.toml`,
/// `edition.toml`), with a `toml` filter that writes any value as a TOML literal.
pub(crate) fn toml_templates() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default syntax is valid"),
    );
    env.add_filter(
        "toml",
        |value: minijinja::Value| -> Result<String, minijinja::Error> {
            let s = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            Ok(toml::Value::String(s).to_string())
        },
    );
    env.add_template("editio.toml", include_str!("templates/editio.toml.j2"))
        .expect("the embedded template parses");
    env.add_template("edition.toml", include_str!("templates/edition.toml.j2"))
        .expect("the embedded template parses");
    env
}
