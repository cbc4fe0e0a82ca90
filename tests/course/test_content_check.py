"""`content check`: the real content is valid; broken content is reported as file:line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from course.content.load import check
from course.content.source import Problem
from kurswerk import cli
from tests.course.conftest import CONTENT

COURSE = "social-media-strategie"
LESSON = f"{COURSE}/lessons/kundenbeziehungen.md"
EXERCISES = f"{COURSE}/exercises/kundenbeziehungen.yaml"
READING = f"{COURSE}/reading/interaktion-im-social-web.md"
COURSE_YAML = f"{COURSE}/course.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture text not unique in {path}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """The file line of the ``nth`` line containing ``needle``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [number for number, line in enumerate(lines, start=1) if needle in line]
    assert len(found) >= nth, f"{needle!r} not {nth} times in {path}"
    return found[nth - 1]


def test_the_real_content_passes_check():
    assert check(CONTENT) == []


def test_one_course_folder_can_be_checked_on_its_own():
    assert check(CONTENT / COURSE) == []


def test_a_problem_prints_as_file_colon_line_colon_message():
    assert str(Problem("a/b.md", 7, "broken")) == "a/b.md:7: broken"


Breakage = Callable[[Path], tuple[str, str, str]]
"""Breaks the copy at ``root``; returns (file, needle on the expected line, message part)."""


def _missing_title(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "title: Kundenbeziehungen\n", "")
    return LESSON, "slug: kundenbeziehungen", "missing key 'title'"


def _unknown_industry(root: Path) -> tuple[str, str, str]:
    edit(root / EXERCISES, "  b2b:\n", "  maschinenbau:\n")
    return EXERCISES, "maschinenbau:", "unknown industry 'maschinenbau'"


def _industry_not_declared(root: Path) -> tuple[str, str, str]:
    """An industry the exercises use but ``course.yaml`` no longer declares."""
    edit(root / COURSE_YAML, "  b2b:\n    de: B2B\n    en: B2B\n", "")
    return (
        EXERCISES,
        "  b2b:",
        "unknown industry 'b2b': not declared under 'industries:' in course.yaml",
    )


def _industry_without_english_name(root: Path) -> tuple[str, str, str]:
    edit(root / COURSE_YAML, "    en: Retail (chain stores)\n", "")
    return COURSE_YAML, "de: Handel (Filialisten)", "missing key 'en'"


def _industry_in_a_third_language(root: Path) -> tuple[str, str, str]:
    edit(root / COURSE_YAML, "    en: Media\n", "    en: Media\n    fr: Médias\n")
    return COURSE_YAML, "fr: Médias", "unknown key 'fr' in industry 'media'"


def _industry_slug_too_long(root: Path) -> tuple[str, str, str]:
    edit(root / COURSE_YAML, "  fmcg:\n", "  fast-moving-consumer-goods:\n")
    return COURSE_YAML, "fast-moving-consumer-goods:", "industry 'fast-moving-consumer-goods'"


def _unknown_container(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "::: arbeitsschritt leistungen-pruefen", "::: hinweis leistungen-pruefen")
    return LESSON, "::: hinweis", "unknown block type 'hinweis'"


def _duplicate_worksheet_slug(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "  - slug: eignung-motivation\n", "  - slug: handlungsoptionen\n")
    second = line_of(root / LESSON, "  - slug: handlungsoptionen", nth=2)
    return LESSON, f"@{second}", "duplicate worksheet slug 'handlungsoptionen'"


def _duplicate_exercise_slug(root: Path) -> tuple[str, str, str]:
    edit(root / EXERCISES, "  - slug: art-der-kundenbeziehung\n", "  - slug: leistungen-pruefen\n")
    second = line_of(root / EXERCISES, "- slug: leistungen-pruefen", nth=2)
    return EXERCISES, f"@{second}", "duplicate exercise slug 'kundenbeziehungen/leistungen-pruefen'"


def _broken_worksheet_link(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "(vorlage:eignung-motivation)", "(vorlage:gibt-es-nicht)")
    return LESSON, "(vorlage:gibt-es-nicht)", "link to worksheet 'gibt-es-nicht'"


def _broken_fragment_link(root: Path) -> tuple[str, str, str]:
    edit(
        root / LESSON,
        "Diese Erkenntnis ist eine zentrale",
        "Siehe [oben](#nirgendwo). Diese Erkenntnis ist eine zentrale",
    )
    return LESSON, "(#nirgendwo)", "link to '#nirgendwo'"


def _broken_work_step_reference(root: Path) -> tuple[str, str, str]:
    edit(root / EXERCISES, "work_step: art-der-kundenbeziehung", "work_step: fehlt")
    return EXERCISES, "work_step: fehlt", "work step 'fehlt' does not exist"


def _unknown_reading(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "  - interaktion-im-social-web\n", "  - verschollen\n")
    return LESSON, "  - verschollen", "reading 'verschollen' does not exist"


def _unknown_author(root: Path) -> tuple[str, str, str]:
    edit(root / READING, "author: rene-f-lisi", "author: niemand")
    return READING, "author: niemand", "author 'niemand'"


def _empty_lesson(root: Path) -> tuple[str, str, str]:
    text = (root / LESSON).read_text(encoding="utf-8")
    head, _, _body = text.partition("\n---\n")
    (root / LESSON).write_text(head + "\n---\n\n", encoding="utf-8")
    closing = line_of(root / LESSON, "---", nth=2)
    return LESSON, f"@{closing}", "the lesson is empty"


def _no_front_matter(root: Path) -> tuple[str, str, str]:
    text = (root / READING).read_text(encoding="utf-8")
    (root / READING).write_text(text.split("\n---\n", 1)[1], encoding="utf-8")
    return READING, "@1", "missing front matter"


def _invalid_yaml(root: Path) -> tuple[str, str, str]:
    edit(root / COURSE_YAML, "title: Social-Media-Strategie", "title: [Social-Media-Strategie")
    return COURSE_YAML, "title: [", "invalid YAML"


def _process_step_without_result(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "- Ergebnis: einzelne Kundenbeziehung und ihre Themen.\n", "")
    lines = (root / LESSON).read_text(encoding="utf-8").splitlines()
    anchor = line_of(root / LESSON, "- Aufgabe: Definition der Kundenbeziehung, ihrer")
    assert lines[anchor - 2] == "::: prozessschritt"
    return LESSON, f"@{anchor - 1}", "process step lacks: Ergebnis"


def _unknown_process_label(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "- Beteiligte: Social Media Management\n", "- Team: Social Media\n")
    return LESSON, "- Team: Social Media", "process step item must start with one of"


def _typo_in_front_matter(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "learning_goal: >-", "lernziel: >-")
    return LESSON, "lernziel: >-", "unknown key 'lernziel'"


def _unlisted_lesson(root: Path) -> tuple[str, str, str]:
    extra = root / COURSE / "lessons" / "zusatz.md"
    extra.write_text("---\nslug: zusatz\ntitle: Zusatz\n---\n\n## Teil\n\nText.\n", "utf-8")
    return f"{COURSE}/lessons/zusatz.md", "@1", "lesson not listed"


def _skipped_heading_level(root: Path) -> tuple[str, str, str]:
    edit(
        root / LESSON,
        "### Definition der Kundenbeziehungen",
        "#### Definition der Kundenbeziehungen",
    )
    return LESSON, "#### Definition der Kundenbeziehungen", "do not skip levels"


def _image_in_text(root: Path) -> tuple[str, str, str]:
    edit(
        root / LESSON,
        "Diese Erkenntnis ist eine",
        "![Bild](https://example.org/x.png) Diese Erkenntnis ist eine",
    )
    return LESSON, "![Bild]", "images are not supported"


def _foreign_link_scheme(root: Path) -> tuple[str, str, str]:
    edit(
        root / LESSON,
        "Diese Erkenntnis ist eine",
        "[Datei](ftp://example.org/x) Diese Erkenntnis ist eine",
    )
    return LESSON, "[Datei](ftp:", "link target 'ftp://example.org/x' is not allowed"


def _unknown_help_rung(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "(hilfe:forum)", "(hilfe:telefon)")
    return LESSON, "(hilfe:telefon)", "there is no help rung 'telefon'"


def _help_rung_outside_a_lesson(root: Path) -> tuple[str, str, str]:
    text = (root / READING).read_text(encoding="utf-8")
    (root / READING).write_text(text + "\nFragen? Die [FAQ](hilfe:faq).\n", encoding="utf-8")
    return READING, "(hilfe:faq)", "'hilfe:' links work only inside a lesson"


def _industry_link_to_an_unknown_exercise(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "(uebung:leistungen-pruefen?branche=b2b)", "(uebung:fehlt?branche=b2b)")
    return LESSON, "(uebung:fehlt?branche=b2b)", "link to exercise 'fehlt': it does not exist"


def _industry_link_to_an_undeclared_industry(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "?branche=retail)", "?branche=bergbau)")
    return LESSON, "?branche=bergbau)", "link to industry 'bergbau': it is not declared"


def _industry_link_without_a_task(root: Path) -> tuple[str, str, str]:
    """An industry ``course.yaml`` declares but the exercise has no task in."""
    edit(
        root / COURSE_YAML,
        "industries:\n",
        "industries:\n  energie:\n    de: Energie\n    en: Energy\n",
    )
    edit(root / LESSON, "?branche=fmcg)", "?branche=energie)")
    return (
        LESSON,
        "?branche=energie)",
        "link to exercise 'leistungen-pruefen' in industry 'energie': the exercise has no task",
    )


def _query_on_a_worksheet_link(root: Path) -> tuple[str, str, str]:
    edit(root / LESSON, "(vorlage:eignung-motivation)", "(vorlage:eignung-motivation?branche=b2b)")
    return LESSON, "?branche=b2b)", "only an exercise link takes a query"


def _page_anchor_of_a_lesson_without_exercises(root: Path) -> tuple[str, str, str]:
    (root / EXERCISES).unlink()
    return LESSON, "(#kw-upload)", "link to '#kw-upload': no heading or block has that id"


BREAKAGES: list[Breakage] = [
    _missing_title,
    _unknown_industry,
    _industry_not_declared,
    _industry_without_english_name,
    _industry_in_a_third_language,
    _industry_slug_too_long,
    _unknown_container,
    _duplicate_worksheet_slug,
    _duplicate_exercise_slug,
    _broken_worksheet_link,
    _broken_fragment_link,
    _broken_work_step_reference,
    _unknown_reading,
    _unknown_author,
    _empty_lesson,
    _no_front_matter,
    _invalid_yaml,
    _process_step_without_result,
    _unknown_process_label,
    _typo_in_front_matter,
    _unlisted_lesson,
    _skipped_heading_level,
    _image_in_text,
    _foreign_link_scheme,
    _unknown_help_rung,
    _help_rung_outside_a_lesson,
    _industry_link_to_an_unknown_exercise,
    _industry_link_to_an_undeclared_industry,
    _industry_link_without_a_task,
    _query_on_a_worksheet_link,
    _page_anchor_of_a_lesson_without_exercises,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.__name__.strip("_"))
def test_check_reports_broken_content_with_file_and_line(content_copy: Path, breakage: Breakage):
    relative, where, message = breakage(content_copy)
    path = content_copy / relative
    expected_line = int(where[1:]) if where.startswith("@") else line_of(path, where)

    problems = check(content_copy)

    matching = [p for p in problems if message in p.message]
    assert matching, f"no problem mentioning {message!r} in {[str(p) for p in problems]}"
    assert any(p.path == str(path) and p.line == expected_line for p in matching), [
        str(p) for p in matching
    ]
    assert f"{path}:{expected_line}: " in "\n".join(str(p) for p in problems)


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path: Path):
    problems = check(tmp_path / "nowhere")
    assert len(problems) == 1 and "no such folder" in problems[0].message


def test_a_folder_without_courses_is_a_problem(tmp_path: Path):
    problems = check(tmp_path)
    assert len(problems) == 1 and "no course found" in problems[0].message


def test_two_courses_cannot_share_a_slug(content_copy: Path):
    twin = content_copy / "zwilling"
    (content_copy / COURSE).rename(twin)
    import shutil

    shutil.copytree(twin, content_copy / COURSE)
    problems = [str(p) for p in check(content_copy)]
    assert any("must match folder 'zwilling'" in p for p in problems)
    assert any("duplicate course slug 'social-media-strategie'" in p for p in problems)


def test_cli_check_exits_0_for_valid_content(capsys: pytest.CaptureFixture[str]):
    assert cli.main(["content", "check", str(CONTENT)]) == 0
    assert "valid" in capsys.readouterr().out


def test_cli_check_prints_problems_and_exits_1(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
):
    _unknown_industry(content_copy)
    assert cli.main(["content", "check", str(content_copy)]) == 1
    err = capsys.readouterr().err
    line = line_of(content_copy / EXERCISES, "maschinenbau:")
    assert f"{content_copy / EXERCISES}:{line}: unknown industry 'maschinenbau'" in err
