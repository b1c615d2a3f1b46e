"""The import API's input: a JSON list of case objects, or CSV (the use case itself is
conference/store/case_import.py)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, RootModel

from conference.store.case_import import ImportReport, import_rows, rows_from_csv
from web.api.registry import Call


class ImportRows(RootModel[list[Any]]):
    """A JSON list of case objects, each as for POST /cases."""

    root: list[Any] = Field(
        min_length=1, json_schema_extra={"items": {"$ref": "#/components/schemas/CaseIn"}}
    )


async def import_cases(call: Call[None, ImportRows | None]) -> ImportReport:
    if call.body is None:
        rows = rows_from_csv(await call.request.read())
    else:
        rows = call.body.root
    return await import_rows(call.session, call.now(), rows)
