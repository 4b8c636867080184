//! `irc.storage`: a script's own key-value store, kept as JSON in
//! `DATA/lua/NAME.json` (NAME: the script's file name without `.lua`) and written atomically
//! on every change, so a crash loses nothing already stored. Without a data folder the store
//! lives in memory only.
//!
//! Values are strings, numbers, booleans and tables of those (arrays or string-keyed).

use crate::{with_host, Ctx};
use mlua::{Lua, Table, Value};
use serde_json::{Map, Value as Json};
use std::path::PathBuf;

/// A loaded store.
pub(crate) struct Store {
    path: Option<PathBuf>,
    map: Map<String, Json>,
}

fn open(lua: &Lua) -> mlua::Result<()> {
    let loaded = lua
        .app_data_ref::<Ctx>()
        .is_some_and(|c| c.storage.borrow().is_some());
    if loaded {
        return Ok(());
    }
    let dir = with_host(lua, |h| h.data_dir())?;
    let file = lua
        .app_data_ref::<Ctx>()
        .map(|c| c.file.clone())
        .unwrap_or_default();
    let stem = std::path::Path::new(&file).file_stem().map_or_else(
        || "script".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let path = dir.map(|d| d.join("lua").join(format!("{stem}.json")));
    let map = path
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice::<Map<String, Json>>(&b).ok())
        .unwrap_or_default();
    if let Some(c) = lua.app_data_ref::<Ctx>() {
        *c.storage.borrow_mut() = Some(Store { path, map });
    }
    Ok(())
}

fn with_store<R>(lua: &Lua, f: impl FnOnce(&mut Store) -> R) -> mlua::Result<R> {
    open(lua)?;
    let c = lua
        .app_data_ref::<Ctx>()
        .ok_or_else(|| mlua::Error::runtime("no script context"))?;
    let mut s = c.storage.borrow_mut();
    let store = s
        .as_mut()
        .ok_or_else(|| mlua::Error::runtime("storage unavailable"))?;
    Ok(f(store))
}

/// `irc.storage.get(key)`.
pub(crate) fn get(lua: &Lua, key: &str) -> mlua::Result<Value> {
    let v = with_store(lua, |s| s.map.get(key).cloned())?;
    match v {
        Some(j) => to_lua(lua, &j),
        None => Ok(Value::Nil),
    }
}

/// `irc.storage.set(key, value)`; `nil` deletes.
pub(crate) fn set(lua: &Lua, key: &str, value: Value) -> mlua::Result<()> {
    let j = to_json(&value, 0)?;
    let r = with_store(lua, |s| {
        match j {
            Json::Null => {
                s.map.remove(key);
            }
            j => {
                s.map.insert(key.to_string(), j);
            }
        }
        let Some(path) = &s.path else {
            return Ok(());
        };
        let text = serde_json::to_vec_pretty(&s.map).unwrap_or_default();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| format!("irc.storage: cannot write {}: {e}", path.display()))
    })?;
    r.map_err(mlua::Error::runtime)
}

/// `irc.storage.keys()`: sorted.
pub(crate) fn keys(lua: &Lua) -> mlua::Result<Table> {
    let mut k = with_store(lua, |s| s.map.keys().cloned().collect::<Vec<_>>())?;
    k.sort();
    lua.create_sequence_from(k)
}

fn to_json(v: &Value, depth: u32) -> mlua::Result<Json> {
    if depth > 32 {
        return Err(mlua::Error::runtime(
            "irc.storage: value nested too deeply (limit is 32)",
        ));
    }
    Ok(match v {
        Value::Nil => Json::Null,
        Value::Boolean(b) => Json::Bool(*b),
        Value::Integer(i) => Json::from(*i),
        Value::Number(n) => serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.to_str()?.to_string()),
        Value::Table(t) => {
            let len = t.raw_len();
            let pairs: Vec<(Value, Value)> = t.pairs::<Value, Value>().collect::<Result<_, _>>()?;
            if len > 0 && pairs.len() == len {
                let mut arr = Vec::new();
                for i in 1..=len {
                    arr.push(to_json(&t.raw_get::<Value>(i)?, depth + 1)?);
                }
                Json::Array(arr)
            } else {
                let mut m = Map::new();
                for (k, v) in pairs {
                    let k = match k {
                        Value::String(s) => s.to_str()?.to_string(),
                        Value::Integer(i) => i.to_string(),
                        _ => {
                            return Err(mlua::Error::runtime(
                                "irc.storage: table keys must be strings or integers",
                            ))
                        }
                    };
                    m.insert(k, to_json(&v, depth + 1)?);
                }
                Json::Object(m)
            }
        }
        other => {
            return Err(mlua::Error::runtime(format!(
                "irc.storage: cannot store a {}",
                other.type_name()
            )))
        }
    })
}

fn to_lua(lua: &Lua, j: &Json) -> mlua::Result<Value> {
    Ok(match j {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Number(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Value::String(lua.create_string(s)?),
        Json::Array(a) => {
            let t = lua.create_table()?;
            for v in a {
                t.push(to_lua(lua, v)?)?;
            }
            Value::Table(t)
        }
        Json::Object(m) => {
            let t = lua.create_table()?;
            for (k, v) in m {
                t.set(k.as_str(), to_lua(lua, v)?)?;
            }
            Value::Table(t)
        }
    })
}
