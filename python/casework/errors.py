"""One exception class per error code of casework (DOMAIN.md section 5)."""


class Error(Exception):
    """A casework error. Every failed call raises a subclass, and changed nothing.

    code: the stable code name ("validation_failed", ...)
    message: what went wrong
    field: the path of the offending input ("contacts[1].email"), or None
    document: the whole error object, with any member not listed here
    """

    code = None

    def __init__(self, document):
        self.document = document
        self.message = document.get("message", "")
        self.field = document.get("field") or None
        super().__init__(self._text())

    def _text(self):
        if self.field:
            return "%s: %s: %s" % (self.code, self.field, self.message)
        return "%s: %s" % (self.code, self.message)


class ValidationFailed(Error, ValueError):
    """A bad argument or payload; `field` names it."""

    code = "validation_failed"


class UnknownField(ValidationFailed):
    """update_data named a key the case's schema lacks."""

    code = "unknown_field"


class NotFound(Error, LookupError):
    """No such case, template or workspace."""

    code = "not_found"


class Conflict(Error):
    """expected_version was stale; `current_version` is the case's now."""

    code = "conflict"

    def __init__(self, document):
        super().__init__(document)
        self.current_version = document.get("current_version")


class TransitionNotAllowed(Error):
    """The workflow has no such move from the case's status."""

    code = "transition_not_allowed"


class ClosureConditionsUnmet(Error):
    """A closure condition is false; `failures` lists each, with its reason."""

    code = "closure_conditions_unmet"

    def __init__(self, document):
        super().__init__(document)
        self.failures = document.get("conditions", [])


class FormulaError(Error):
    """A formula does not parse or fails; `position` says where."""

    code = "formula_error"

    def __init__(self, document):
        super().__init__(document)
        self.position = document.get("position")


class Busy(Error):
    """The database stayed locked past the busy timeout."""

    code = "busy"


class StorageError(Error, OSError):
    """I/O error, damaged or read-only file, out of memory."""

    code = "storage_error"


# In the order of c.h's casework_code, from 1.
BY_NUMBER = {
    1: ValidationFailed,
    2: UnknownField,
    3: NotFound,
    4: Conflict,
    5: TransitionNotAllowed,
    6: ClosureConditionsUnmet,
    7: FormulaError,
    8: Busy,
    9: StorageError,
}
