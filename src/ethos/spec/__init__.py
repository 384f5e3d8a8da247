"""ethos.spec: what "good" means. The trait spec (traits, domains, pressures), the safety policy used by
deliberative alignment and the constitution of the constitution arm, all shipped as editable files and
validated on load."""

from ethos.spec.constitution import Constitution, Principle, draw_principle, load_constitution, parse_constitution
from ethos.spec.safety_policy import (
    PolicySection,
    SafetyPolicy,
    load_policy,
    parse_policy,
    policy_categories,
    policy_for,
    spec_for,
)
from ethos.spec.trait_spec import BUILTIN_SPEC, Spec, Trait, builtin_spec, load_spec, parse_spec
from ethos.spec.yaml_lines import LocatedYaml, explain_validation, load_yaml

__all__ = [
    "BUILTIN_SPEC",
    "Constitution",
    "Principle",
    "draw_principle",
    "load_constitution",
    "parse_constitution",
    "LocatedYaml",
    "PolicySection",
    "SafetyPolicy",
    "Spec",
    "Trait",
    "builtin_spec",
    "explain_validation",
    "load_policy",
    "load_spec",
    "load_yaml",
    "parse_policy",
    "parse_spec",
    "policy_categories",
    "policy_for",
    "spec_for",
]
