"""Refusals of the workbench's annotations; like every ``EditRefused``, nothing of the
change was written. Their routes answer in JSON (``feedback.workbench.routes``)."""

from __future__ import annotations

from typing import Any

from feedback.errors import EditRefused
from feedback.workbench.document import Problem
from kurswerk.core.i18n import N_


class AnnotationsInvalid(EditRefused):
    """The set does not have the agreed shape or does not fit the PDF (422)."""

    status_code = 422

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0] if problems else Problem(where="body", what="invalid")
        super().__init__(
            N_("Die Anmerkungen wurden nicht gespeichert, weil sie fehlerhaft sind: %(problem)s"),
            params={"problem": f"{first.where}: {first.what}"},
            reason=f"{len(problems)} problems, first {first.where}: {first.what}",
        )
        self.problems = problems

    def json_fields(self) -> dict[str, Any]:
        return {"problems": [problem.model_dump() for problem in self.problems]}


class AnnotationsTooLarge(EditRefused):
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(
            N_(
                "Die Anmerkungen wurden nicht gespeichert: Sie sind zu umfangreich (höchstens "
                "%(limit_kb)s KB auf einmal)."
            ),
            params={"limit_kb": limit // 1024},
            reason=f"body over {limit} bytes",
        )


class RevisionConflict(EditRefused):
    """The set was saved since the revision the client based its edit on."""

    def __init__(self, current: int, based_on: int) -> None:
        super().__init__(
            N_(
                "Die Anmerkungen wurden inzwischen anderswo gespeichert, in einem anderen Tab "
                "oder von einer anderen Person. Bitte laden Sie sie neu; Ihre Änderung wurde "
                "nicht gespeichert."
            ),
            reason=f"based on revision {based_on}, current {current}",
        )
        self.current = current

    def json_fields(self) -> dict[str, Any]:
        return {"revision": self.current}


class AnnotatedPdfFailed(EditRefused):
    """The annotations could not be written into a PDF that passes our check."""

    status_code = 422

    def __init__(self, reason: str) -> None:
        super().__init__(
            N_(
                "Die Anmerkungen ließen sich nicht in das PDF schreiben. Bitte vereinfachen Sie "
                "sie (zum Beispiel lange Freihandlinien) und versuchen Sie es erneut."
            ),
            reason=reason,
        )
