//! Runs the `domain_tour` example's code (the very file in `examples/`) as a test: the example
//! is documentation that must keep working, and every step of it asserts a rule.

#[path = "../examples/domain_tour.rs"]
mod domain_tour;

#[test]
fn the_domain_tour_example_runs_and_every_rule_holds() {
    domain_tour::main();
}
