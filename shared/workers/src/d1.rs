//! D1 as the SQL port.


use medportal_core::ports::{Row, SqlStore, SqlValue, Statement};
use medportal_core::{Error, Result};
use worker::js_sys::{Array, ArrayBuffer, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;
use worker::wasm_bindgen::{JsCast, JsValue};

pub struct WorkersD1(worker::D1Database);

impl WorkersD1 {
    pub fn new(db: worker::D1Database) -> Self {
        WorkersD1(db)
    }

    fn prepare(&self, sql: &str, params: &[SqlValue]) -> Result<worker::D1PreparedStatement> {
        let values = params.iter().map(to_js).collect::<Result<Vec<_>>>()?;
        self.0.prepare(sql).bind(&values).map_err(Error::platform)
    }
}

/// Largest integer a JS number holds exactly (D1 has no BigInt).
const MAX_SAFE: i64 = (1 << 53) - 1;

fn to_js(v: &SqlValue) -> Result<JsValue> {
    Ok(match v {
        SqlValue::Null => JsValue::NULL,
        SqlValue::Integer(i) if i.abs() <= MAX_SAFE => JsValue::from_f64(*i as f64),
        SqlValue::Integer(_) => return Err(Error::internal("integer exceeds D1's 53-bit range")),
        SqlValue::Real(f) => JsValue::from_f64(*f),
        SqlValue::Text(s) => JsValue::from_str(s),
        SqlValue::Blob(b) => Uint8Array::from(b.as_slice()).buffer().into(),
    })
}

fn from_js(v: JsValue) -> SqlValue {
    if v.is_null() || v.is_undefined() {
        SqlValue::Null
    } else if let Some(f) = v.as_f64() {
        if f.fract() == 0.0 && f.abs() <= MAX_SAFE as f64 {
            SqlValue::Integer(f as i64)
        } else {
            SqlValue::Real(f)
        }
    } else if let Some(s) = v.as_string() {
        SqlValue::Text(s)
    } else if let Some(b) = v.as_bool() {
        SqlValue::Integer(b as i64)
    } else if v.is_instance_of::<ArrayBuffer>() {
        SqlValue::Blob(Uint8Array::new(&v).to_vec())
    } else if v.is_instance_of::<Uint8Array>() {
        SqlValue::Blob(v.unchecked_into::<Uint8Array>().to_vec())
    } else if Array::is_array(&v) {
        let arr: Array = v.unchecked_into();
        SqlValue::Blob(arr.iter().map(|x| x.as_f64().unwrap_or(0.0) as u8).collect())
    } else {
        SqlValue::Null
    }
}

impl SqlStore for WorkersD1 {
    async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>> {
        let rows = self.prepare(sql, params)?.raw_js_value().await.map_err(Error::platform)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let arr: Array = row.unchecked_into();
                Row(arr.iter().map(from_js).collect())
            })
            .collect())
    }

    /// Run through the statement's JavaScript object: the SDK decodes the result's `meta`
    /// through serde-wasm-bindgen for the one number needed here.
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64> {
        let statement = self.prepare(sql, params)?;
        let promise = statement.inner().run().map_err(crate::js_err)?;
        let result = JsFuture::from(promise).await.map_err(crate::js_err)?;
        let get = |obj: &JsValue, key: &str| crate::js_get(obj, key).unwrap_or(JsValue::UNDEFINED);
        if get(&result, "success").as_bool() == Some(false) {
            let error = get(&result, "error").as_string().unwrap_or_else(|| "D1 statement failed".to_owned());
            return Err(Error::platform(error));
        }
        let changes = get(&get(&result, "meta"), "changes").as_f64().unwrap_or(0.0);
        Ok(changes as u64)
    }

    /// D1 runs a batch as one transaction.
    async fn batch(&self, statements: &[Statement]) -> Result<()> {
        let prepared = statements
            .iter()
            .map(|s| self.prepare(&s.sql, &s.params))
            .collect::<Result<Vec<_>>>()?;
        let results = self.0.batch(prepared).await.map_err(Error::platform)?;
        for r in results {
            if let Some(e) = r.error() {
                return Err(Error::platform(e));
            }
        }
        Ok(())
    }
}

