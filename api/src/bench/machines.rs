//! The state machines the workloads run, built at the requested size, and the inputs they take.

use serde_json::{json, Map, Value};

/// `n` Pass states in a row (`S1` → … → `Sn`): each entered state is one transition.
pub fn pass_chain(n: usize) -> Value {
    let n = n.max(1);
    let mut states = Map::new();
    for i in 1..=n {
        let state = if i == n {
            json!({"Type": "Pass", "End": true})
        } else {
            json!({"Type": "Pass", "Next": format!("S{}", i + 1)})
        };
        states.insert(format!("S{i}"), state);
    }
    json!({"Comment": format!("{n} Pass states"), "StartAt": "S1", "States": states})
}

/// An inline Map over `$.items`, each iteration one Pass state that reshapes its item.
pub fn inline_map() -> Value {
    json!({
        "StartAt": "M",
        "States": {"M": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Item",
                "States": {"Item": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": true}}
            },
            "End": true
        }}
    })
}

/// The input of [`inline_map`]: `{"items": [0, 1, …, n-1]}`.
pub fn map_input(n: usize) -> Value {
    json!({"items": (0..n).collect::<Vec<usize>>()})
}

/// A Parallel state of `n` branches, each one Pass state (state names are unique across the
/// whole machine, as AWS requires).
pub fn parallel(n: usize) -> Value {
    let branches: Vec<Value> = (0..n.max(1))
        .map(|i| json!({"StartAt": format!("B{i}"), "States": {format!("B{i}"): {"Type": "Pass", "Result": i, "End": true}}}))
        .collect();
    json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": branches, "End": true}}})
}

/// A Wait of `seconds`, then a Pass: the execution parks in the Wait and finishes on waking.
pub fn wait_then_pass(seconds: u64) -> Value {
    json!({
        "StartAt": "Wait",
        "States": {
            "Wait": {"Type": "Wait", "Seconds": seconds, "Next": "Done"},
            "Done": {"Type": "Pass", "End": true}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loads(def: &Value) {
        if let Err(d) = state_lang::load(&def.to_string()) {
            panic!("invalid definition: {:?}", d.first());
        }
    }

    #[test]
    fn every_machine_is_valid_asl() {
        loads(&pass_chain(20));
        loads(&pass_chain(1));
        loads(&inline_map());
        loads(&parallel(100));
        loads(&wait_then_pass(5));
    }

    #[test]
    fn the_chain_has_n_states_ending_in_the_last() {
        let def = pass_chain(20);
        let states = def["States"].as_object().unwrap();
        assert_eq!(states.len(), 20);
        assert_eq!(def["States"]["S1"]["Next"], json!("S2"));
        assert_eq!(def["States"]["S20"]["End"], json!(true));
    }

    #[test]
    fn map_input_counts_from_zero() {
        assert_eq!(map_input(3), json!({"items": [0, 1, 2]}));
        assert_eq!(parallel(3)["States"]["P"]["Branches"].as_array().unwrap().len(), 3);
    }
}
