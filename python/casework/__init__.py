"""casework from Python: the embedded case engine, through its C API.

    import casework

    with casework.open("cases.db") as db:
        case = db.create({"title": "Refund"}, actor="ana@example.com")
        db.update_data(case["id"], {"amount": 12.5})
        try:
            db.transition(case["id"], "closed")
        except casework.ClosureConditionsUnmet as error:
            print(error.failures)

Every method takes and returns the JSON shapes of the command-line program
(dicts and lists), raises a subclass of casework.Error when it fails, and a
call that fails changes nothing. A Database may be shared between threads.
"""

import datetime
import json
import threading

from . import _native
from .errors import (
    BY_NUMBER,
    Busy,
    ClosureConditionsUnmet,
    Conflict,
    Error,
    FormulaError,
    NotFound,
    StorageError,
    TransitionNotAllowed,
    UnknownField,
    ValidationFailed,
)

__all__ = [
    "Busy",
    "ClosureConditionsUnmet",
    "Conflict",
    "Database",
    "Error",
    "FormulaError",
    "NotFound",
    "StorageError",
    "TransitionNotAllowed",
    "UnknownField",
    "ValidationFailed",
    "library_version",
    "open",
]


def library_version():
    """The release of the loaded libcasework, e.g. "0.1.0"."""
    return _native.lib.casework_version().decode("utf-8")


def open(path, *, create_if_missing=True, durability="full", busy_timeout_ms=5000):
    """Opens the database at `path` (a file or a postgresql:// URI)."""
    return Database(
        path,
        create_if_missing=create_if_missing,
        durability=durability,
        busy_timeout_ms=busy_timeout_ms,
    )


def _encode(value):
    if value is None:
        return None
    if not isinstance(value, str):
        value = json.dumps(value, default=_json_default)
    return value.encode("utf-8")


def _json_default(value):
    if isinstance(value, datetime.datetime):
        return _timestamp(value)
    raise TypeError("%r is not JSON serializable" % (value,))


def _timestamp(value):
    """RFC 3339 text of a datetime (naive ones are taken as UTC) or a str."""
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.isoformat()


def _options(**members):
    """The options object of a call, without the members left unset."""
    given = {name: value for name, value in members.items() if value is not None}
    return _encode(given) if given else None


def _raise_or_return(result, decode=True):
    code, output, error, message = _native.take(result)
    if code == 0:
        if output is None or not decode:
            return output
        return json.loads(output)
    document = json.loads(error)["error"] if error else {"message": message or "out of memory"}
    raise BY_NUMBER.get(code, StorageError)(document)


class Database:
    """An open casework database. Close it, or use it as a context manager."""

    def __init__(self, path, *, create_if_missing=True, durability="full", busy_timeout_ms=5000):
        handle = _native.ctypes.c_void_p()
        options = _encode(
            {
                "create_if_missing": create_if_missing,
                "durability": durability,
                "busy_timeout_ms": busy_timeout_ms,
            }
        )
        _raise_or_return(
            _native.lib.casework_open(_encode(str(path)), options, _native.ctypes.byref(handle))
        )
        self._handle = handle
        self._closing = threading.Lock()
        self.path = str(path)

    def close(self):
        """Closes the database; later calls raise ValidationFailed. Idempotent."""
        with self._closing:
            handle, self._handle = self._handle, None
        if handle is not None:
            _native.lib.casework_close(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None) is not None:
            self.close()

    def _call(self, name, *arguments, decode=True):
        if self._handle is None:
            raise ValidationFailed({"field": "db", "message": "the database is closed"})
        function = getattr(_native.lib, "casework_" + name)
        return _raise_or_return(function(self._handle, *arguments), decode)

    # ---- cases -------------------------------------------------------

    def create(self, payload, *, workspace=None, actor=None):
        """Creates a case from a create payload; returns the case."""
        return self._call("create", _encode(payload), _write(workspace, actor))

    def get(self, case_id, *, workspace=None, as_of=None, version=None):
        """The case; as it stood at `as_of` (a datetime or RFC 3339 text) or
        at `version`, rebuilt from its history, when one is given."""
        return self._call(
            "get",
            _encode(case_id),
            _options(
                workspace=workspace,
                as_of=None if as_of is None else _timestamp(as_of),
                version=version,
            ),
        )

    def replace(self, case_id, case, *, workspace=None, actor=None, expected_version=None):
        """Replaces the whole mutable record with `case` (a case shape)."""
        return self._call(
            "replace",
            _encode(case_id),
            _encode(case),
            _write(workspace, actor, expected_version),
        )

    def patch(self, case_id, patch, *, workspace=None, actor=None, expected_version=None):
        """Applies a JSON merge patch to the case: None clears a member."""
        return self._call(
            "patch", _encode(case_id), _encode(patch), _write(workspace, actor, expected_version)
        )

    def update_data(self, case_id, data, *, workspace=None, actor=None, expected_version=None):
        """Sets schema field values, {key: value}; all or none."""
        return self._call(
            "update_data",
            _encode(case_id),
            _encode({"data": data}),
            _write(workspace, actor, expected_version),
        )

    def archive(self, case_id, *, workspace=None, actor=None, expected_version=None):
        return self._call("archive", _encode(case_id), _write(workspace, actor, expected_version))

    def unarchive(self, case_id, *, workspace=None, actor=None, expected_version=None):
        return self._call(
            "unarchive", _encode(case_id), _write(workspace, actor, expected_version)
        )

    def link(self, case_id, other_id, *, workspace=None, actor=None, expected_version=None):
        """Links two cases of one workspace, both ways."""
        return self._call(
            "link", _encode(case_id), _encode(other_id), _write(workspace, actor, expected_version)
        )

    def unlink(self, case_id, other_id, *, workspace=None, actor=None, expected_version=None):
        return self._call(
            "unlink",
            _encode(case_id),
            _encode(other_id),
            _write(workspace, actor, expected_version),
        )

    def update_step(self, case_id, step_id, change, *, workspace=None, actor=None,
                    expected_version=None):
        """Changes one step: `change` holds its title, status or data."""
        return self._call(
            "update_step",
            _encode(case_id),
            _encode(step_id),
            _encode(change),
            _write(workspace, actor, expected_version),
        )

    def history(self, case_id, *, workspace=None, since=None):
        """The case's events, oldest first (after version `since`)."""
        document = self._call(
            "history", _encode(case_id), _options(workspace=workspace, since=since)
        )
        return document["events"]

    def transition(self, case_id, to, *, reason=None, dry_run=False, workspace=None, actor=None,
                   expected_version=None):
        """Moves the case to status or transition `to`; returns the outcome
        {"applied", "from", "to", "transition", "conditions", "case"}."""
        request = {"to": to, "dry_run": dry_run}
        if reason is not None:
            request["reason"] = reason
        return self._call(
            "transition",
            _encode(case_id),
            _encode(request),
            _write(workspace, actor, expected_version),
        )

    def check(self, case_id, *, workspace=None):
        """{"case_id", "passed", "conditions"}: every closure condition with
        its result and reason; changes nothing."""
        return self._call("check", _encode(case_id), _options(workspace=workspace))

    def evaluate(self, formula, case_id=None, *, workspace=None):
        """The value of a formula, against the case `case_id` if given."""
        return self._call(
            "eval", _encode(formula), _encode(case_id), _options(workspace=workspace)
        )["value"]

    def list(self, query=None, *, workspace=None, **parameters):
        """One page of cases: {"meta", "data", "next_cursor"}. Parameters are
        the list parameters of DOMAIN.md ("status", "page[size]", "filter",
        "sort", ...), as a dict or as keywords (tag="billing")."""
        params = dict(query or {})
        params.update(parameters)
        return self._call("list", _encode(params), _options(workspace=workspace))

    # ---- templates and workspaces ------------------------------------

    def create_template(self, template, *, workspace=None, actor=None):
        return self._call("template_create", _encode(template), _write(workspace, actor))

    def get_template(self, template_id, *, workspace=None):
        return self._call("template_get", _encode(template_id), _options(workspace=workspace))

    def update_template(self, template_id, template, *, workspace=None, actor=None,
                        expected_version=None):
        return self._call(
            "template_update",
            _encode(template_id),
            _encode(template),
            _write(workspace, actor, expected_version),
        )

    def templates(self, *, workspace=None):
        return self._call("template_list", _options(workspace=workspace))["data"]

    def create_workspace(self, slug, name=None):
        return self._call("workspace_create", _encode(slug), _encode(name))

    def workspaces(self):
        return self._call("workspace_list")["data"]

    # ---- bulk, integrity ----------------------------------------------

    def import_ndjson(self, lines, *, workspace=None, actor=None):
        """Imports cases, all or none, from NDJSON text or an iterable of
        payloads (dicts); returns {"imported", "created", "restored"}."""
        if not isinstance(lines, str):
            lines = "".join(json.dumps(line) + "\n" for line in lines)
        return self._call("import", _encode(lines), _write(workspace, actor))

    def export_ndjson(self, *, workspace=None):
        """The workspace's cases as NDJSON text, one case a line."""
        return self._call("export", _options(workspace=workspace), decode=False)

    def verify(self, *, workspace=None):
        """The integrity and history report, whatever it found."""
        return self._call("verify", _options(workspace=workspace))

    # ---- change feed and sync (docs/SYNC.md) -------------------------

    def changes(self, since=0, limit=1000):
        """{"data": [events with case_id and workspace], "last_change"}."""
        return self._call("changes", since, limit)

    @property
    def database_id(self):
        return self._call("database_id")["id"]

    def pull(self, source, *, actor=None, batch=None):
        """Brings the changes of the Database `source` into this one."""
        if not isinstance(source, Database) or source._handle is None:
            raise ValidationFailed({"field": "source", "message": "source must be an open Database"})
        return self._call("pull", source._handle, _options(actor=actor, batch=batch))

    def push(self, target, *, actor=None, batch=None):
        """The same, the other way: `target` pulls from this database."""
        if not isinstance(target, Database):
            raise ValidationFailed({"field": "target", "message": "target must be an open Database"})
        return target.pull(self, actor=actor, batch=batch)

    def conflicts(self, *, workspace=None):
        return self._call("conflicts", _options(workspace=workspace))["data"]

    def resolve(self, case_id, take, *, workspace=None, actor=None):
        """Settles a conflict: take "local", "remote", or a dict of members."""
        if isinstance(take, str) and take not in ("local", "remote"):
            raise ValidationFailed(
                {"field": "take", "message": 'take must be "local", "remote" or a dict'}
            )
        return self._call("resolve", _encode(case_id), _encode(take), _write(workspace, actor))


def _write(workspace, actor, expected_version=None):
    return _options(workspace=workspace, actor=actor, expected_version=expected_version)
