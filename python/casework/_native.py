"""The C API of libcasework (casework/c.h), through ctypes.

Only this module knows the C signatures; everything above it deals in
Python values. The library is found by its soname, libcasework.so.0, the
way the dynamic linker finds any installed library, unless CASEWORK_LIBRARY
names the file to load.
"""

import ctypes
import os

# The soname's number: c.h's CASEWORK_C_ABI_VERSION.
ABI_VERSION = 0
SONAME = "libcasework.so.%d" % ABI_VERSION


class Result(ctypes.Structure):
    """casework_result: pointers kept as c_void_p so that they can be freed."""

    _fields_ = [
        ("code", ctypes.c_int),
        ("json", ctypes.c_void_p),
        ("error", ctypes.c_void_p),
        ("message", ctypes.c_void_p),
    ]


def _load():
    path = os.environ.get("CASEWORK_LIBRARY") or SONAME
    try:
        return ctypes.CDLL(path)
    except OSError as error:
        raise ImportError(
            "cannot load %s (install casework, or set CASEWORK_LIBRARY): %s" % (path, error)
        ) from error


lib = _load()

_text = ctypes.c_char_p
_handle = ctypes.c_void_p

# name: argument types after the handle (None: the call takes no handle).
_SIGNATURES = {
    "casework_create": [_text, _text],
    "casework_get": [_text, _text],
    "casework_replace": [_text, _text, _text],
    "casework_patch": [_text, _text, _text],
    "casework_update_data": [_text, _text, _text],
    "casework_archive": [_text, _text],
    "casework_unarchive": [_text, _text],
    "casework_link": [_text, _text, _text],
    "casework_unlink": [_text, _text, _text],
    "casework_update_step": [_text, _text, _text, _text],
    "casework_history": [_text, _text],
    "casework_transition": [_text, _text, _text],
    "casework_check": [_text, _text],
    "casework_eval": [_text, _text, _text],
    "casework_list": [_text, _text],
    "casework_template_create": [_text, _text],
    "casework_template_get": [_text, _text],
    "casework_template_update": [_text, _text, _text],
    "casework_template_list": [_text],
    "casework_workspace_create": [_text, _text],
    "casework_workspace_list": [],
    "casework_import": [_text, _text],
    "casework_export": [_text],
    "casework_verify": [_text],
    "casework_changes": [ctypes.c_int64, ctypes.c_int64],
    "casework_database_id": [],
    "casework_pull": [_handle, _text],
    "casework_conflicts": [_text],
    "casework_resolve": [_text, _text, _text],
}

for _name, _arguments in _SIGNATURES.items():
    _function = getattr(lib, _name)
    _function.argtypes = [_handle] + _arguments
    _function.restype = Result

lib.casework_open.argtypes = [_text, _text, ctypes.POINTER(_handle)]
lib.casework_open.restype = Result
lib.casework_close.argtypes = [_handle]
lib.casework_close.restype = None
lib.casework_result_free.argtypes = [ctypes.POINTER(Result)]
lib.casework_result_free.restype = None
lib.casework_version.argtypes = []
lib.casework_version.restype = ctypes.c_char_p
lib.casework_code_name.argtypes = [ctypes.c_int]
lib.casework_code_name.restype = ctypes.c_char_p


def take(result):
    """(code, output text, error text, message) of a Result, freeing it."""
    try:
        return (
            result.code,
            _string(result.json),
            _string(result.error),
            _string(result.message),
        )
    finally:
        lib.casework_result_free(ctypes.byref(result))


def _string(pointer):
    if pointer is None:
        return None
    return ctypes.string_at(pointer).decode("utf-8")
