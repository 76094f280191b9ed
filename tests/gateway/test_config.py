"""The gateway's configuration file.

Invariant: ``status-guard gateway check`` answers every file with either OK or errors that name the
offending key (``routes[1].scope``) — never a traceback — and a configuration that cannot mean
what it says (an unknown scope, a route that is never reached, a JWKS with no usable key, mTLS
without a client CA) is an error, not a surprise in production. The published JSON schema is the
one the models generate.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.gateway.check import check_config, check_file
from status_guard.gateway.config import ConfigError, json_schema, parse_config

import stack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict:
    keys = stack.make_keys(tmp_path_factory.mktemp("cfgkeys"))
    audit_dir = tmp_path_factory.mktemp("cfgaudit")
    return {
        "upstream": {"url": "http://127.0.0.1:8080"},
        "audit": {"spec": f"jsonl:{audit_dir}/audit.jsonl"},
        "routes": [{"prefix": "/police", "scope": "police", "public_record_fields": ["charge"]},
                   {"prefix": "/custody", "scope": "police", "custody_access": True},
                   {"prefix": "/hr", "scope": "city",
                    "exceptions": [{"id": "required-by-law", "legal_basis": "8 U.S.C. §1324a (Form I-9)",
                                    "categories": ["citizenship_status"]}]}],
        "identity": {"jwt": {"jwks_file": str(keys.jwks_file), "issuer": stack.ISSUER, "audience": [stack.AUDIENCE],
                             "map": [{"claim": "groups", "contains": "cpd", "requester": "local"}]}},
    }


def _keys(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [k for k, _ in report.errors]


def test_a_valid_configuration_checks_ok(base):
    report = check_config(parse_config(base))
    assert report.ok, report.errors


@pytest.mark.parametrize("mutate, key", [
    (lambda c: c["routes"][0].update(scope="polce"), "routes[0].scope"),
    (lambda c: c["routes"][1].update(purpose="deportation"), "routes[1].purpose"),
    (lambda c: c["routes"][2]["exceptions"][0].update(id="judicial-warrant"), "routes[2].exceptions[0].id"),
    (lambda c: c["routes"][2]["exceptions"][0].update(id="nope"), "routes[2].exceptions[0].id"),
    (lambda c: c["routes"].append({"prefix": "/police/", "scope": "police"}), "routes[3].prefix"),
    (lambda c: c["routes"].append({"prefix": "/a/../custody", "scope": "city"}), "routes[3].prefix"),
    (lambda c: c.setdefault("paths", {}).update(exclude=["/police"]), "routes[0].prefix"),
    (lambda c: c["routes"].append({"prefix": "/health", "scope": "city"}) or c.setdefault("ops", {}).update(
        healthz="/health/z"), "ops.healthz"),
    (lambda c: c["identity"]["jwt"]["map"][0].update(requester="ice"), "identity.jwt.map[0].requester"),
    (lambda c: c["identity"]["jwt"].update(jwks_file="/nonexistent/jwks.json"), "identity.jwt.jwks_file"),
    (lambda c: c["identity"].update(front_proxy={"clients": ["127.0.0.1"], "mtls": True}), "identity.front_proxy.mtls"),
    (lambda c: c.setdefault("paths", {}).update(case_insensitive=True) or c["routes"].append(
        {"prefix": "/Records", "scope": "police"}), "routes[3].prefix"),
    (lambda c: c["audit"].update(spec="jsonl:/nonexistent-dir/x/audit.jsonl"), "audit.spec"),
    (lambda c: c["policy"].update(scope="federal") if "policy" in c else c.update(policy={"scope": "federal"}),
     "policy.scope"),
])
def test_a_configuration_that_cannot_mean_what_it_says_names_its_key(base, mutate, key):
    cfg = copy.deepcopy(base)
    mutate(cfg)
    report = check_config(parse_config(cfg))
    assert key in _keys(report), report.errors


@pytest.mark.parametrize("mutate, key", [
    (lambda c: c["upstream"].update(url="ftp://x"), "upstream.url"),
    (lambda c: c["upstream"].update(timeout=3), "upstream.timeout"),
    (lambda c: c["routes"][0].update(prefix="police"), "routes[0].prefix"),
    (lambda c: c["routes"][0].update(refuse_status=500), "routes[0].refuse_status"),
    (lambda c: c["identity"]["jwt"].update(algorithms=["HS256"]), "identity.jwt.algorithms[0]"),
    (lambda c: c["identity"]["jwt"].update(jwks_url="https://sso.test/jwks"), "identity.jwt"),
    (lambda c: c["identity"]["jwt"]["map"][0].update(equals="x"), "identity.jwt.map[0]"),
    (lambda c: c["identity"].update(front_proxy={"clients": ["not-an-ip"]}), "identity.front_proxy.clients"),
    (lambda c: c.pop("audit"), "audit"),
    (lambda c: c["audit"].update(spec="memory:"), "audit.spec"),
])
def test_shape_errors_name_their_key(base, mutate, key):
    cfg = copy.deepcopy(base)
    mutate(cfg)
    with pytest.raises(ConfigError) as e:
        parse_config(cfg)
    assert key in [k for k, _ in e.value.problems], e.value.problems


def _paths(d, prefix=()):  # type: ignore[no-untyped-def]
    if isinstance(d, dict):
        for k, v in d.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), junk=st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                                      st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.floats()))
def test_any_mangled_configuration_gets_errors_naming_keys_never_a_traceback(base, data, junk):
    cfg = copy.deepcopy(base)
    paths = list(_paths(cfg))
    where = data.draw(st.sampled_from(paths))
    node = cfg
    for p in where[:-1]:
        node = node[p]
    action = data.draw(st.sampled_from(["replace", "unknown_key", "delete"]))
    if action == "replace":
        node[where[-1]] = junk
    elif action == "unknown_key" and isinstance(node, dict):
        node["zz_" + str(where[-1])] = junk
    elif action == "delete" and isinstance(node, dict):
        del node[where[-1]]
    try:
        parsed = parse_config(cfg)
    except ConfigError as e:
        assert e.problems and all(isinstance(k, str) and isinstance(m, str) and m for k, m in e.problems)
        return
    report = check_config(parsed)  # may be OK or not; must not raise
    assert all(isinstance(k, str) for k, _ in report.errors)


def test_yaml_and_toml_files_and_the_cli(base, tmp_path):
    y = tmp_path / "gw.yaml"
    y.write_text(yaml.safe_dump(base))
    assert check_file(str(y)).ok
    bad = copy.deepcopy(base)
    bad["routes"][0]["scope"] = "polce"
    b = tmp_path / "bad.yaml"
    b.write_text(yaml.safe_dump(bad))
    exe = Path(sys.executable).with_name("status-guard")
    run = subprocess.run([str(exe), "gateway", "check", str(b)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "routes[0].scope: unknown scope `polce`" in run.stderr
    run = subprocess.run([str(exe), "gateway", "check", str(y), "--format", "json"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and json.loads(run.stdout)["ok"] is True
    t = tmp_path / "gw.toml"
    t.write_text('[upstream]\nurl = "http://127.0.0.1:1"\n[audit]\nspec = "jsonl:/tmp/x.jsonl"\n[[routes]]\nprefix = "/x"\n')
    r = check_file(str(t))
    assert ("routes[0].scope", "Field required") in r.errors
    t.write_text("[upstream\n")
    assert check_file(str(t)).errors[0][1].startswith("not valid TOML")


def test_published_schema_is_current():
    published = json.loads((ROOT / "src" / "status_guard" / "gateway" / "gateway.schema.json").read_text())
    assert published == json_schema(), "run: status-guard gateway schema > src/status_guard/gateway/gateway.schema.json"


def test_example_configuration_checks_ok():
    report = check_file(str(ROOT / "examples" / "gateway" / "gateway.toml"))
    assert report.ok, report.errors
