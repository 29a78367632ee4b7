//! The array functions: `States.ArrayPartition`, `ArrayContains`, `ArrayRange`,
//! `ArrayGetItem`, `ArrayLength` and `ArrayUnique` (`States.Array` needs no code of its own).

use serde_json::Value;

use super::args::{self, invalid};
use super::Function;

/// AWS caps the result of `States.ArrayRange`.
const MAX_RANGE_ITEMS: i64 = 1000;

/// `States.ArrayPartition(array, size)`: chunks of `size` items, the last one possibly shorter.
pub(super) fn partition(values: &[Value]) -> Result<Value, String> {
    let f = Function::ArrayPartition;
    let [array, size] = args::fixed(f, values)?;
    let array = args::array(f, array)?;
    let size = usize::try_from(args::truncated(f, size)?).ok().filter(|s| *s > 0).ok_or_else(|| invalid(f))?;
    Ok(Value::Array(array.chunks(size).map(|c| Value::Array(c.to_vec())).collect()))
}

/// `States.ArrayContains(array, value)`: whether an item equals `value` (JSON equality, so `1`
/// and `1.0` differ).
pub(super) fn contains(values: &[Value]) -> Result<Value, String> {
    let f = Function::ArrayContains;
    let [array, needle] = args::fixed(f, values)?;
    Ok(Value::Bool(args::array(f, array)?.contains(needle)))
}

/// `States.ArrayRange(start, end, step)`: from `start` to `end` inclusive; fractions are
/// truncated, the step must not be zero and the result holds at most 1000 items.
pub(super) fn range(values: &[Value]) -> Result<Value, String> {
    let f = Function::ArrayRange;
    let [start, end, step] = args::fixed(f, values)?;
    let (start, end, step) = (args::truncated(f, start)?, args::truncated(f, end)?, args::truncated(f, step)?);
    if step == 0 {
        return Err(invalid(f));
    }
    let span = i128::from(end) - i128::from(start);
    let count = if span == 0 || (span > 0) == (step > 0) { span / i128::from(step) + 1 } else { 0 };
    if count > i128::from(MAX_RANGE_ITEMS) {
        return Err(invalid(f));
    }
    // Every item lies between `start` and `end`, but `i * step` alone may not fit in an i64.
    let items = (0..count).map(|i| Value::from((i128::from(start) + i * i128::from(step)) as i64)).collect();
    Ok(Value::Array(items))
}

/// `States.ArrayGetItem(array, index)`. AWS truncates a fractional index, fails an index out of
/// range, and answers `null` for any index into an empty array.
pub(super) fn get_item(values: &[Value]) -> Result<Value, String> {
    let f = Function::ArrayGetItem;
    let [array, index] = args::fixed(f, values)?;
    let array = args::array(f, array)?;
    let index = args::truncated(f, index)?;
    if array.is_empty() {
        return Ok(Value::Null);
    }
    usize::try_from(index).ok().and_then(|i| array.get(i)).cloned().ok_or_else(|| invalid(f))
}

/// `States.ArrayLength(array)`.
pub(super) fn length(values: &[Value]) -> Result<Value, String> {
    let f = Function::ArrayLength;
    let [array] = args::fixed(f, values)?;
    Ok(Value::from(args::array(f, array)?.len()))
}

/// `States.ArrayUnique(array)`: the first occurrence of each distinct item, in order.
pub(super) fn unique(values: &[Value]) -> Result<Value, String> {
    let f = Function::ArrayUnique;
    let [array] = args::fixed(f, values)?;
    let mut out: Vec<Value> = Vec::new();
    for item in args::array(f, array)? {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    Ok(Value::Array(out))
}

#[cfg(test)]
#[path = "array_tests.rs"]
mod tests;
