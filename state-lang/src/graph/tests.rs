//! The graphs, their JSON form and their DOT form, built from one machine with nested scopes.

use petgraph::visit::EdgeRef;
use serde_json::json;

use super::*;

fn machine() -> StateMachine {
    let def = json!({
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Work"}],
                "Default": "Done"
            },
            "Work": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Retry": [{"ErrorEquals": ["States.Timeout"]}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
                "Next": "Fan"
            },
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}},
                    {"StartAt": "Each", "States": {"Each": {
                        "Type": "Map",
                        "ItemProcessor": {"StartAt": "Item \"x\"", "States": {"Item \"x\"": {"Type": "Succeed"}}},
                        "End": true
                    }}}
                ],
                "Next": "Done"
            },
            "Done": {"Type": "Succeed"},
            "Failed": {"Type": "Fail", "Error": "E"}
        }
    });
    crate::parse::parse_value(&def).expect("valid")
}

fn edges_of(g: &ScopeGraph) -> Vec<(String, String, String)> {
    g.graph
        .edge_references()
        .map(|e| (g.graph[e.source()].name.clone(), g.graph[e.target()].name.clone(), e.weight().label()))
        .collect()
}

#[test]
fn top_level_graph_has_every_transition_labelled() {
    let g = build(&machine());
    assert_eq!(g.graph.node_count(), 5);
    assert_eq!(g.graph[g.start].name, "Check");
    assert_eq!(
        edges_of(&g),
        vec![
            ("Check".into(), "Work".into(), "#0 $.n NumericGreaterThan 1".into()),
            ("Check".into(), "Done".into(), "Default".into()),
            ("Work".into(), "Fan".into(), "Next".into()),
            ("Work".into(), "Work".into(), "Retry States.Timeout".into()),
            ("Work".into(), "Failed".into(), "Catch States.ALL".into()),
            ("Fan".into(), "Done".into(), "Next".into()),
        ]
    );
    assert!(g.node(3).terminal && g.node(4).terminal && !g.node(1).terminal);
}

#[test]
fn nested_scopes_hang_off_their_state() {
    let g = build(&machine());
    assert_eq!(g.children.len(), 2);
    assert_eq!((g.children[0].parent, g.children[0].relation), (2, Relation::Branch(0)));
    assert_eq!(g.children[1].relation, Relation::Branch(1));
    let map = &g.children[1].graph.children[0];
    assert_eq!(map.relation, Relation::Processor);
    assert_eq!(map.graph.pointer, "/States/Fan/Branches/1/States/Each/ItemProcessor");
    assert_eq!(map.graph.node(0).pointer, "/States/Fan/Branches/1/States/Each/ItemProcessor/States/Item \"x\"");
}

#[test]
fn json_form_nests_scopes_inside_nodes() {
    let v = to_json(&machine());
    assert_eq!(v["queryLanguage"], "JSONPath");
    let scope = &v["scope"];
    assert_eq!(scope["kind"], "machine");
    assert_eq!(scope["startAt"], "/States/Check");
    assert_eq!(
        scope["nodes"][0],
        json!({"id": "/States/Check", "name": "Check", "type": "Choice", "start": true, "terminal": false, "scopes": []})
    );
    let fan = &scope["nodes"][2];
    assert_eq!(fan["scopes"][1]["kind"], "branch");
    assert_eq!(fan["scopes"][1]["index"], 1);
    assert_eq!(fan["scopes"][1]["nodes"][0]["scopes"][0]["kind"], "processor");
    let catch = scope["edges"].as_array().unwrap().iter().find(|e| e["kind"] == "Catch").unwrap();
    assert_eq!(
        catch,
        &json!({"from": "/States/Work", "to": "/States/Failed", "kind": "Catch", "label": "Catch States.ALL", "index": 0, "errorEquals": ["States.ALL"]})
    );
}

#[test]
fn dot_form_has_clusters_and_escapes_names() {
    let dot = to_dot(&machine());
    assert!(dot.starts_with("digraph StateMachine {"));
    assert!(dot.contains("\"__start\" -> \"/States/Check\";"));
    assert!(dot.contains("subgraph cluster_1 {"));
    assert!(dot.contains("label=\"Fan branch 0\";"));
    assert!(dot.contains("label=\"Each processor\";"));
    assert!(dot.contains("\"/States/Fan\" -> \"/States/Fan/Branches/0/States/B1\" [style=dashed];"));
    assert!(
        dot.contains("\"/States/Work\" -> \"/States/Failed\" [label=\"Catch States.ALL\", color=red, fontcolor=red];")
    );
    assert!(dot.contains("Item \\\"x\\\"\\n(Succeed)"));
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
}
