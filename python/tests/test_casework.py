"""The Python package against the library it loads (scripts/test: the
installed one); `db` is a fresh database on each backend (conftest.py)."""

import datetime
import json
import os
import pathlib
import threading

import pytest

import casework

REFUND = {
    "title": "Refund",
    "tag_names": ["billing"],
    "schema": [{"key": "amount", "type": "number", "name": "Amount"}],
}


def test_library_version_is_the_release():
    assert casework.library_version().count(".") == 2


def test_create_returns_the_case(db):
    case = db.create(REFUND, actor="ana@example.com")
    assert case["title"] == "Refund"
    assert case["version"] == 1
    assert case["tags"] == ["billing"]
    assert db.get(case["id"]) == case


def test_patch_and_update_data_bump_the_version(db):
    case = db.create(REFUND)
    patched = db.patch(case["id"], {"title": "Refund order 12"}, expected_version=1)
    assert patched["title"] == "Refund order 12"
    updated = db.update_data(case["id"], {"amount": 12.5})
    assert updated["version"] == 3
    assert [f["value"] for f in updated["schema"] if f["key"] == "amount"] == [12.5]


def test_a_stale_version_raises_conflict_with_the_current_one(db):
    case = db.create(REFUND)
    db.patch(case["id"], {"title": "Changed"})
    with pytest.raises(casework.Conflict) as raised:
        db.patch(case["id"], {"title": "Lost"}, expected_version=1)
    assert raised.value.current_version == 2
    assert db.get(case["id"])["title"] == "Changed"


def test_an_unknown_data_key_raises_unknown_field_and_changes_nothing(db):
    case = db.create(REFUND)
    with pytest.raises(casework.UnknownField) as raised:
        db.update_data(case["id"], {"amount": 1, "nope": 2})
    assert raised.value.field == "data.nope"
    assert raised.value.code == "unknown_field"
    assert isinstance(raised.value, casework.ValidationFailed)
    assert db.get(case["id"])["version"] == 1


def test_a_missing_case_raises_not_found(db):
    with pytest.raises(casework.NotFound):
        db.get("00000000-0000-7000-8000-000000000000")


def test_a_misspelt_member_raises_validation_failed_naming_it(db):
    with pytest.raises(casework.ValidationFailed) as raised:
        db.create({"titel": "typo"})
    assert raised.value.field == "titel"
    assert "titel" in str(raised.value)


def test_an_unknown_option_is_refused(db):
    case = db.create(REFUND)
    with pytest.raises(casework.ValidationFailed) as raised:
        db.list({"colour": "red"})
    assert "colour" in str(raised.value)
    assert db.get(case["id"])["version"] == 1


def test_a_formula_error_has_its_position(db):
    with pytest.raises(casework.FormulaError) as raised:
        db.evaluate("=1 +")
    assert raised.value.position is not None


def test_evaluate_against_a_case(db):
    case = db.create(REFUND)
    assert db.evaluate("=SIZE(team_case.tags)", case["id"]) == 1
    assert db.evaluate("=1 + 2") == 3


def test_transition_and_history(db):
    case = db.create(REFUND)
    outcome = db.transition(case["id"], "closed", reason="paid")
    assert outcome["applied"] is True
    assert outcome["case"]["parent_status"] == "closed"
    kinds = [event["kind"] for event in db.history(case["id"])]
    assert kinds == ["created", "status_changed"]
    assert len(db.history(case["id"], since=1)) == 1


def test_a_dry_run_changes_nothing(db):
    case = db.create(REFUND)
    outcome = db.transition(case["id"], "closed", dry_run=True)
    assert outcome["applied"] is False
    assert db.get(case["id"])["version"] == 1


def test_unmet_closure_conditions_list_each_failure(db):
    case = db.create(
        dict(REFUND, closure_conditions=[{"name": "assigned",
                                          "formula": "=SIZE(team_case.assignees) > 0"}])
    )
    with pytest.raises(casework.ClosureConditionsUnmet) as raised:
        db.transition(case["id"], "closed")
    assert [f["name"] for f in raised.value.failures] == ["assigned"]
    assert db.check(case["id"])["passed"] is False


def test_get_as_of_a_version_or_time(db):
    case = db.create(REFUND)
    db.patch(case["id"], {"title": "Later"})
    assert db.get(case["id"], version=1)["title"] == "Refund"
    assert db.get(case["id"], as_of=datetime.datetime.now(datetime.timezone.utc))["title"] == "Later"
    with pytest.raises(casework.NotFound):
        db.get(case["id"], as_of="2001-01-01T00:00:00Z")


def test_list_filters_and_pages(db):
    for n in range(5):
        db.create({"title": "case %d" % n, "tag_names": ["even" if n % 2 == 0 else "odd"]})
    page = db.list(tag="even", **{"page[size]": 2})
    assert page["meta"]["total_count"] == 3
    assert len(page["data"]) == 2
    assert db.list({"filter": {"field": "title", "op": "eq", "value": "case 1"}})["meta"][
        "total_count"
    ] == 1


def test_link_archive_and_workspaces(db):
    a = db.create(REFUND)
    b = db.create(REFUND)
    linked = db.link(a["id"], b["id"])
    assert b["id"] in json.dumps(linked)
    assert db.archive(a["id"])["archived_at"] is not None
    assert db.unarchive(a["id"])["archived_at"] is None
    db.create_workspace("team-a", "Team A")
    assert {w["slug"] for w in db.workspaces()} == {"default", "team-a"}
    other = db.create({"title": "elsewhere"}, workspace="team-a")
    with pytest.raises(casework.NotFound):
        db.get(other["id"])
    assert db.get(other["id"], workspace="team-a")["title"] == "elsewhere"


def test_templates(db):
    template = db.create_template(
        {
            "name": "Claims",
            "statuses": [
                {"name": "new", "parent_status": "pending"},
                {"name": "paid", "parent_status": "closed"},
            ],
            "initial_status": "new",
            "transitions": [{"from": "new", "to": "paid", "name": "pay"}],
        }
    )
    assert db.get_template(template["id"])["name"] == "Claims"
    assert [t["id"] for t in db.templates()] == [template["id"]]
    case = db.create({"title": "claim", "template": template["id"]})
    assert case["status"] == "new"
    with pytest.raises(casework.TransitionNotAllowed):
        db.transition(case["id"], "draft")
    assert db.transition(case["id"], "pay")["case"]["status"] == "paid"


def test_export_then_import_into_another_database(db, tmp_path):
    case = db.create(REFUND)
    text = db.export_ndjson()
    assert case["id"] in text
    with casework.open(tmp_path / "copy.db") as copy:
        assert copy.import_ndjson(text)["restored"] == 1
        assert copy.get(case["id"])["title"] == "Refund"
        with pytest.raises(casework.ValidationFailed) as raised:
            copy.import_ndjson([{"title": "fine"}, {"title": 5}])
        assert raised.value.field.startswith("line[2]")
        assert copy.list()["meta"]["total_count"] == 1


def test_changes_pull_and_conflicts(db, tmp_path):
    case = db.create(REFUND)
    feed = db.changes()
    assert feed["last_change"] == 1
    assert feed["data"][0]["case_id"] == case["id"]
    with casework.open(tmp_path / "laptop.db") as laptop:
        assert laptop.pull(db)["created"] == 1
        assert laptop.pull(db)["created"] == 0
        laptop.patch(case["id"], {"title": "laptop"})
        db.patch(case["id"], {"title": "server"})
        assert laptop.pull(db)["conflicts"] == 1
        [conflict] = laptop.conflicts()
        assert conflict["remote"]["title"] == "server"
        assert laptop.resolve(case["id"], "remote")["title"] == "server"
        assert laptop.conflicts() == []
        db.push(laptop)
        assert laptop.database_id != db.database_id


def test_verify_reports_a_clean_database(db):
    db.create(REFUND)
    assert db.verify()["clean"] is True


def test_a_closed_database_refuses_calls(tmp_path):
    database = casework.open(tmp_path / "closed.db")
    database.close()
    database.close()
    with pytest.raises(casework.ValidationFailed):
        database.get("x")


def test_opening_a_missing_file_without_create_raises_storage_error(tmp_path):
    with pytest.raises(casework.StorageError):
        casework.open(tmp_path / "missing.db", create_if_missing=False)
    with pytest.raises(casework.ValidationFailed):
        casework.open(tmp_path / "x.db", durability="sometimes")


def test_threads_share_one_database(db):
    case = db.create(REFUND)
    errors = []

    def worker(number):
        try:
            for n in range(20):
                db.patch(case["id"], {"description": "touched %d.%d" % (number, n)})
        except casework.Error as error:  # pragma: no cover - a failure
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.get(case["id"])["version"] == 1 + 80


def test_the_readme_example_runs(tmp_path, monkeypatch):
    root = os.environ.get("CASEWORK_SOURCE_ROOT") or pathlib.Path(__file__).parents[2]
    readme = (pathlib.Path(root) / "README.md").read_text()
    section = readme[readme.index("## From C and Python"):]
    example = section[section.index("```python\n") + 10:]
    example = example[: example.index("```")]
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})
    assert (tmp_path / "cases.db").exists()
