"""The files around a release: the issue forms, the Dependabot configuration,
CHANGELOG.md and CODE_OF_CONDUCT.md. Reads YAML and Markdown only."""

import re
from pathlib import Path

import pytest
import yaml

from helpers import __version__

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
FORMS = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
FIELD_TYPES = {"input", "textarea", "dropdown", "checkboxes"}
ID = re.compile(r"^[A-Za-z0-9_-]+$")


def read_yaml(path):
    return yaml.safe_load(Path(path).read_text())


# -- issue forms -------------------------------------------------------------------------


def form_problems(form):
    """What GitHub's issue-form schema refuses in ``form`` (a parsed YAML
    document), one string each: the top-level keys, each body element's
    type, attributes, id and validations, unique ids and labels."""
    if not isinstance(form, dict):
        return ["the form is not a YAML mapping"]
    problems = [
        f"no top-level {key!r}"
        for key in ("name", "description", "body")
        if not isinstance(form.get(key), (str, list)) or not form.get(key)
    ]
    body = form.get("body") if isinstance(form.get("body"), list) else []
    if not any(item.get("type") in FIELD_TYPES for item in body if isinstance(item, dict)):
        problems.append("the body has no field to fill in (only markdown)")
    ids, labels = [], []
    for index, item in enumerate(body):
        where = f"body[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("attributes"), dict):
            problems.append(f"{where}: no attributes")
            continue
        kind, attributes = item.get("type"), item["attributes"]
        if kind == "markdown":
            if not attributes.get("value"):
                problems.append(f"{where}: a markdown element needs attributes.value")
            if "id" in item or "validations" in item:
                problems.append(f"{where}: a markdown element takes no id or validations")
            continue
        if kind not in FIELD_TYPES:
            problems.append(f"{where}: type {kind!r} is not one of markdown, {', '.join(sorted(FIELD_TYPES))}")
            continue
        if not isinstance(attributes.get("label"), str) or not attributes["label"].strip():
            problems.append(f"{where}: no label")
        labels.append(attributes.get("label"))
        if "id" in item:
            ids.append(item["id"])
            if not isinstance(item["id"], str) or not ID.match(item["id"]):
                problems.append(f"{where}: id {item['id']!r} may hold only letters, digits, - and _")
        options = attributes.get("options")
        if kind in ("dropdown", "checkboxes"):
            if not isinstance(options, list) or not options:
                problems.append(f"{where}: a {kind} needs a non-empty options list")
            elif kind == "dropdown" and len(set(map(str, options))) != len(options):
                problems.append(f"{where}: dropdown options repeat")
        if "render" in attributes and kind != "textarea":
            problems.append(f"{where}: render is for a textarea only")
        required = item.get("validations", {}).get("required", False)
        if not isinstance(required, bool):
            problems.append(f"{where}: validations.required must be true or false")
    problems += [f"id {name!r} is used twice" for name in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"label {name!r} is used twice" for name in sorted({x for x in labels if labels.count(x) > 1})]
    return problems


def fields(form):
    return {item["id"]: item for item in form["body"] if "id" in item}


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_every_issue_form_is_one_github_accepts(path):
    assert form_problems(read_yaml(path)) == []


BROKEN = [  # (a change to a valid form, what form_problems must say)
    (lambda f: f.pop("name"), "no top-level 'name'"),
    (lambda f: f["body"].append({"type": "input", "id": "where", "attributes": {"label": "Again"}}), "used twice"),
    (
        lambda f: f["body"].append({"type": "dropdown", "id": "empty", "attributes": {"label": "E", "options": []}}),
        "non-empty options",
    ),
    (lambda f: f["body"].append({"type": "select", "id": "x", "attributes": {"label": "X"}}), "type 'select'"),
    (lambda f: f["body"].append({"type": "input", "id": "a b", "attributes": {"label": "Y"}}), "may hold only"),
    (
        lambda f: f["body"].append({"type": "input", "id": "z", "attributes": {"label": "Z", "render": "text"}}),
        "render is for a textarea",
    ),
    (lambda f: f.update(body=[{"type": "markdown", "attributes": {"value": "hi"}}]), "no field to fill in"),
]


@pytest.mark.parametrize(("break_it", "message"), BROKEN)
def test_the_form_checker_catches_each_broken_form(break_it, message):
    form = read_yaml(GITHUB / "ISSUE_TEMPLATE" / "install_problem.yml")
    assert form_problems(form) == [], "the base form is valid"
    break_it(form)
    assert any(message in problem for problem in form_problems(form)), form_problems(form)


def test_the_install_form_asks_where_on_what_what_was_run_and_what_it_printed():
    form = read_yaml(GITHUB / "ISSUE_TEMPLATE" / "install_problem.yml")
    asked = fields(form)
    assert {"where", "os", "python", "command", "error", "versions"} <= set(asked)
    assert all(asked[name]["validations"]["required"] for name in ("where", "os", "python", "command", "error"))
    places = " ".join(asked["where"]["attributes"]["options"])
    assert all(place in places for place in ("Colab", "Binder", "local", "site"))
    assert asked["versions"]["attributes"]["placeholder"].startswith("seed 0; python"), "the line start_lesson prints"
    assert form["name"] != read_yaml(GITHUB / "ISSUE_TEMPLATE" / "lesson_problem.yml")["name"]


def test_the_chooser_config_is_valid():
    config = read_yaml(GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert isinstance(config.get("blank_issues_enabled"), bool)
    for link in config.get("contact_links", []):
        assert {"name", "url", "about"} <= set(link) and link["url"].startswith("https://")


# -- Dependabot ----------------------------------------------------------------------------


def test_dependabot_updates_the_workflows_actions_weekly():
    config = read_yaml(GITHUB / "dependabot.yml")
    assert config["version"] == 2
    actions = [u for u in config["updates"] if u["package-ecosystem"] == "github-actions"]
    assert len(actions) == 1 and actions[0]["directory"] == "/" and actions[0]["schedule"]["interval"] == "weekly"
    assert "lock-drift" in (GITHUB / "dependabot.yml").read_text(), "the comment says who watches the Python lock"
    assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions"}, (
        "pip is the lock's, not Dependabot's"
    )


def test_every_action_a_workflow_uses_is_pinned_to_a_version_dependabot_can_move():
    uses = [
        step["uses"]
        for path in sorted((GITHUB / "workflows").glob("*.yml"))
        for job in read_yaml(path)["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step and not step["uses"].startswith(("./", "docker://"))
    ]  # local and container actions: not Dependabot's
    assert uses, "the workflows use actions"
    assert [u for u in uses if not re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", u)] == []


# -- CHANGELOG and code of conduct ---------------------------------------------------------


def changelog_sections():
    """``[(heading, text)]`` of CHANGELOG.md's ``## `` sections, in order."""
    parts = re.split(r"^## (.+)$", (ROOT / "CHANGELOG.md").read_text(), flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_the_changelog_has_unreleased_first_then_releases_newest_first():
    headings = [heading for heading, _ in changelog_sections()]
    assert headings[0] == "Unreleased"
    versions = [re.match(r"(\d+)\.(\d+)\.(\d+) \(", heading) for heading in headings[1:]]
    assert all(versions), f"release headings are 'X.Y.Z (date or state)': {headings[1:]}"
    numbers = [tuple(map(int, v.groups())) for v in versions]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == len(numbers)
    assert any(h.startswith(f"{__version__} (") for h in headings), f"no section for the current version {__version__}"
    assert all(text.strip() for _, text in changelog_sections()), "an empty section"


def test_the_code_of_conduct_is_the_contributor_covenant_with_a_contact_and_is_linked():
    text = (ROOT / "CODE_OF_CONDUCT.md").read_text()
    assert text.startswith("# Contributor Covenant Code of Conduct") and "version 2.1" in text
    assert "[INSERT CONTACT METHOD]" not in text and "CITATION.cff" in text, "reports go to the maintainers named there"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), "no invented e-mail address"
    for name in ("README.md", "CONTRIBUTING.md"):
        readme = (ROOT / name).read_text()
        assert "(CODE_OF_CONDUCT.md)" in readme and "(CHANGELOG.md)" in readme, f"{name} links both"
