"""The database each test gets: a SQLite file, and, when scripts/test names a
PostgreSQL server in CASEWORK_TEST_POSTGRESQL, a fresh database there too,
so that every test runs on both backends."""

import itertools
import os
import subprocess

import pytest

import casework

SERVER = os.environ.get("CASEWORK_TEST_POSTGRESQL")
BACKENDS = ["sqlite"] + (["postgresql"] if SERVER else [])
_made = itertools.count(1)


def _uri(name):
    # A later dbname wins in a libpq URI.
    return SERVER + ("&" if "?" in SERVER else "?") + "dbname=" + name


def _psql(uri, *statements):
    """Runs each statement in a transaction of its own (CREATE DATABASE
    cannot run inside one)."""
    command = ["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-d", uri]
    for statement in statements:
        command += ["-c", statement]
    subprocess.run(command, check=True, capture_output=True)


def _fresh(name, template=None):
    _psql(
        SERVER,
        "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name,
        "CREATE DATABASE %s%s" % (name, " TEMPLATE " + template if template else ""),
    )


def _drop(name):
    _psql(SERVER, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)


@pytest.fixture(scope="session")
def migrated_template():
    """A database casework has created its schema in, which every test's
    database copies: migrating once rather than once a test."""
    name = "py_%d_template" % os.getpid()
    _fresh(name)
    casework.open(_uri(name)).close()
    yield name
    _drop(name)


@pytest.fixture(params=BACKENDS)
def database_path(request, tmp_path):
    """Where the test's database lives: a file, or a postgresql:// URI."""
    if request.param == "sqlite":
        yield tmp_path / "cases.db"
        return
    name = "py_%d_%d" % (os.getpid(), next(_made))
    _fresh(name, request.getfixturevalue("migrated_template"))
    # A copy shares the template's id; a database made anew has its own.
    _psql(_uri(name), "UPDATE casework_database SET uuid = gen_random_uuid()")
    yield _uri(name)
    _drop(name)


@pytest.fixture
def db(database_path):
    with casework.open(database_path, durability="normal") as database:
        yield database
