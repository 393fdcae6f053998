"""DMN sample rows run through the engine's own DMN evaluation."""
from app import engine

from .studio_helpers import DMN, DMN_NAME

FILES = {DMN_NAME: DMN.encode()}


def test_matching_samples_give_no_problems():
    samples = [{"inputs": {"service_level": "BLOCK", "location_level": "WARD"}, "expect": {"office_level": "SUBDIVISION"}},
               {"inputs": {"service_level": "GP", "location_level": "GP"}, "expect": {"office_level": "GP"}},
               {"decision": "processing_office_level", "inputs": {"service_level": "X", "location_level": "GP"},
                "expect": {"office_level": "BLOCK"}}]
    assert engine.run_dmn_samples(FILES, {DMN_NAME: samples}) == []


def test_wrong_expectation_names_the_decision_the_output_and_the_line():
    samples = [{"inputs": {"service_level": "BLOCK", "location_level": "WARD"}, "expect": {"office_level": "BLOCK"}}]
    [p] = engine.run_dmn_samples(FILES, {DMN_NAME: samples})
    assert p.element_id == "processing_office_level"
    assert p.line == 4
    assert "office_level = 'SUBDIVISION', expected 'BLOCK'" in p.message


def test_missing_input_is_reported_not_raised():
    [p] = engine.run_dmn_samples(FILES, {DMN_NAME: [{"inputs": {"service_level": "BLOCK"}, "expect": {}}]})
    assert "name 'location_level' is not defined" in p.message and "sample 1" in p.message


def test_no_rule_matching_is_reported():
    no_catch_all = DMN.replace('<inputEntry id="rule_catch_all_in1"><text></text>',
                               '<inputEntry id="rule_catch_all_in1"><text>"NONE"</text>')
    [p] = engine.run_dmn_samples({DMN_NAME: no_catch_all.encode()},
                                 {DMN_NAME: [{"inputs": {"service_level": "Z", "location_level": "GP"},
                                              "expect": {"office_level": "BLOCK"}}]})
    assert "no rule matched" in p.message


def test_malformed_samples_and_unknown_files_are_problems():
    problems = engine.run_dmn_samples(FILES, {DMN_NAME: [{"inputs": 1}, "x", {"decision": "nope", "inputs": {}, "expect": {}}],
                                              "other.dmn": []})
    messages = " | ".join(p.message for p in problems)
    assert "needs an object 'inputs'" in messages
    assert "sample 2 must be an object" in messages
    assert "name the decision" in messages
    assert "other.dmn" in messages
