"""Wagtail's database search backend, with the visitor's words kept out of the query syntax.

On SQLite each word becomes an FTS5 string ``"word"``; a double quote or a NUL typed by a
visitor (``/search/?q=%22``, an admin chooser's search box) ended that string early and the
database answered with a syntax error, a 500. Words are cleaned here, for every search the
project and Wagtail's admin run; PostgreSQL gets the same cleaning so both answer alike.
"""

import functools
import re

from modelsearch.backends.database import SearchBackend as _database_backend
from modelsearch.query import Phrase, PlainText

# Quotes end an FTS5 string; control characters (NUL included) are never part of a word.
UNSAFE = re.compile(r'["\x00-\x1f\x7f]')


def clean_query_string(text: str) -> str:
    return UNSAFE.sub(" ", text)


@functools.cache
def _cleaning(compiler_class):
    class CleaningCompiler(compiler_class):
        def __init__(self, queryset, query, *args, **kwargs):
            if isinstance(query, str):
                query = clean_query_string(query)
            elif isinstance(query, PlainText | Phrase):
                query.query_string = clean_query_string(query.query_string)
            super().__init__(queryset, query, *args, **kwargs)

    CleaningCompiler.__name__ = f"Cleaning{compiler_class.__name__}"
    return CleaningCompiler


def _blank(query) -> bool:
    return isinstance(query, PlainText | Phrase) and not query.query_string.strip()


@functools.cache
def _empty_when_blank(results_class):
    """A query that was only quotes or control characters finds nothing (not a syntax error)."""

    class Results(results_class):
        def _do_search(self):
            return [] if _blank(self.query_compiler.query) else super()._do_search()

        def _do_count(self):
            return 0 if _blank(self.query_compiler.query) else super()._do_count()

    Results.__name__ = f"Cleaning{results_class.__name__}"
    return Results


def SearchBackend(params):
    """The database backend for the current database, with cleaned query strings."""
    backend = _database_backend(params)
    backend.query_compiler_class = _cleaning(backend.query_compiler_class)
    if getattr(backend, "autocomplete_query_compiler_class", None):
        backend.autocomplete_query_compiler_class = _cleaning(
            backend.autocomplete_query_compiler_class
        )
    backend.results_class = _empty_when_blank(backend.results_class)
    return backend
