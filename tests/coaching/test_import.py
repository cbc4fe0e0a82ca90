"""Bulk grants from CSV: the preview lists every row's problems and writes nothing; the
confirm step accepts only the file this server previewed for this session, checks it
again and writes all rows or none."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from coaching.common import CoachingRefused
from coaching.csv_import import rows as coaching_import
from coaching.csv_import.rows import MAX_CSV_BYTES, MAX_CSV_ROWS, ImportDraft, read_rows
from coaching.grants.changes import ALREADY_GRANTED
from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from tests.coaching.fixtures import *  # noqa: F403
from tests.coaching.fixtures import (
    TODAY,
    Learner,
    Site,
    audit_log,
    get,
    make_package,
    post,
    snapshot,
)
from tests.conftest import TOOL_BASE_URL
from tests.course.html_tools import parse
from tests.support.overlap import overlapping_writes, run_at_once
from tests.support.statements import statements

UNTIL = TODAY + timedelta(days=60)


def upload(
    client, person: Learner, base: str, data: bytes, *, csrf: str | None = "auto", name="grants.csv"
):
    path = base + "/import/preview"
    token = person.csrf if csrf == "auto" else csrf
    return client.post(
        person.url(path),
        data={"csrf_token": token} if token is not None else {},  # sent before the file
        files={"file": (name, data, "text/csv")},
        follow_redirects=False,
    )


def draft_of(response) -> str:
    return parse(response.text).find("input", name="draft").attrs["value"] or ""


def confirm(client, person: Learner, base: str, draft: str, **kwargs):
    return post(client, person, base + "/import/confirm", {"draft": draft}, **kwargs)


def grants(db: Session) -> list[CoachingGrant]:
    db.expire_all()
    return list(db.exec(select(CoachingGrant).order_by(CoachingGrant.id)).all())


def summary(response) -> str:
    return parse(response.text).find(cls="error-summary").clean_text


@pytest.fixture
def packages(db: Session, site: Site) -> tuple[CoachingPackage, CoachingPackage]:
    return (
        make_package(db, site.platform.id, name="Coaching Basis", feedback_quota=3),
        make_package(db, site.platform.id, name="Coaching Plus", feedback_quota=None),
    )


@pytest.fixture
def lena(site: Site, make_learner) -> Learner:
    return make_learner(context=site.course, name="Lena Lernt", email="lena@example.org")


def test_a_good_file_is_previewed_without_writing_and_confirmed_in_full(
    client, db: Session, site: Site, packages, lena
):
    csv_text = (
        "email;sub;package;valid_until\r\n"
        f"mia@example.org;;Coaching Basis;{UNTIL.strftime('%d.%m.%Y')}\r\n"
        f";{lena_sub(db, lena)};coaching plus;\r\n"
        "\r\n"
        "tom@example.org;;Coaching Plus;\r\n"
    )
    before = snapshot(db)
    preview = upload(client, site.admin, site.base, "\ufeff".encode() + csv_text.encode())
    assert preview.status_code == 200
    assert snapshot(db) == before  # the preview writes nothing
    table = parse(preview.text).find("table").clean_text
    assert table.count("Wird vergeben") == 3 and "Lena Lernt" in table
    assert "Noch ist nichts gespeichert." in preview.text

    done = confirm(client, site.admin, site.base, draft_of(preview))
    assert done.status_code == 303
    assert "granted=3" in done.headers["location"]
    rows = grants(db)
    assert sorted((g.email or "", g.user_id) for g in rows) == sorted(
        [("mia@example.org", None), ("", lena.principal.user_id), ("tom@example.org", None)]
    )
    assert next(g for g in rows if g.email == "mia@example.org").valid_until == UNTIL
    entries = audit_log(db)
    assert [e.action for e in entries] == ["granted"] * 3
    assert {e.detail["source"] for e in entries} == {"csv"}
    assert {e.actor_label for e in entries} == {"Ada Admin"}
    shown = get(client, site.admin, done.headers["location"])
    assert "Import abgeschlossen: 3 neu vergeben, 0 verlängert, 0 unverändert." in shown.text


def lena_sub(db: Session, lena: Learner) -> str:
    from lti.models import PlatformUser

    user = db.get(PlatformUser, lena.principal.user_id)
    assert user is not None
    return user.sub


def test_comma_separated_files_with_german_headers_are_read(
    client, db: Session, site: Site, packages
):
    csv_text = (
        "E-Mail,Paket,Gültig_ab,gültig_bis\nmia@example.org,Coaching Basis,2026-01-01,31.12.2099\n"
    )
    plan = read_rows(csv_text)
    assert plan.problems == [] and len(plan.rows) == 1
    row = plan.rows[0]
    assert (row.email, row.package_name, row.valid_from_text, row.valid_until_text) == (
        "mia@example.org",
        "Coaching Basis",
        "2026-01-01",
        "31.12.2099",
    )
    preview = upload(client, site.admin, site.base, csv_text.encode())
    assert preview.status_code == 200 and "Wird vergeben" in preview.text


def test_the_preview_lists_every_rows_problems_and_writes_nothing(
    client, db: Session, site: Site, packages, lena
):
    csv_text = "\n".join(
        [
            "email;sub;package;valid_until",
            "ok@example.org;;Coaching Basis;",  # line 2: fine
            "unknown@example.org;;Coaching Gold;",  # 3: unknown package
            "keine-adresse;;Coaching Basis;",  # 4: bad email
            "date@example.org;;Coaching Basis;31.02.2027",  # 5: bad date
            "OK@example.org;;coaching basis;",  # 6: duplicate of line 2
            ";niemand-hier;Coaching Basis;",  # 7: unknown user
            f"both@example.org;{lena_sub(db, lena)};Coaching Basis;",  # 8: both
            ";;Coaching Basis;",  # 9: nobody
            f"past@example.org;;Coaching Basis;{(TODAY - timedelta(days=1)).isoformat()}",  # 10
        ]
    )
    before = snapshot(db)
    preview = upload(client, site.admin, site.base, csv_text.encode())
    assert preview.status_code == 400
    assert snapshot(db) == before
    html = parse(preview.text)
    errors = summary(preview)
    assert "8 Zeilen haben Fehler" in errors and "Es wurde nichts gespeichert." in errors

    def row(line: int) -> str:
        return html.find("tr", id=f"row-{line}").clean_text

    assert "Wird vergeben" in row(2)
    assert "Ein Paket „Coaching Gold“ gibt es nicht." in row(3)
    assert "keine gültige E-Mail-Adresse" in row(4)
    assert "kein gültiges Datum" in row(5)
    assert "Doppelt: dieselbe Person und dasselbe Paket wie Zeile 2." in row(6)
    assert "„niemand-hier“ hat Kurswerk in diesem Kurs noch nicht geöffnet" in row(7)
    assert "nicht beides" in row(8)
    assert "Es fehlt die E-Mail-Adresse oder die LMS-Nutzer-ID." in row(9)
    assert "Das Enddatum liegt in der Vergangenheit." in row(10)
    # each listed error links to its row; no way to confirm
    links = [a.attrs["href"] for a in html.find(cls="error-summary").find_all("a")]
    assert links == [f"#row-{n}" for n in range(3, 11)]
    assert list(html.find_all("input", name="draft")) == []


def test_someone_named_by_email_and_by_sub_in_two_rows_is_a_duplicate(
    client, db: Session, site: Site, packages, lena
):
    csv_text = (
        "email;sub;package\n"
        "lena@example.org;;Coaching Basis\n"
        f";{lena_sub(db, lena)};Coaching Basis\n"
    )
    preview = upload(client, site.admin, site.base, csv_text.encode())
    assert preview.status_code == 400
    assert "wie Zeile 2" in parse(preview.text).find("tr", id="row-3").clean_text


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (b"", 400, "Die Datei enthält keine Zeilen mit Vergaben."),
        (b"email;package\n", 400, "Die Datei enthält keine Zeilen mit Vergaben."),
        (b"  \n\n", 400, "Die Datei enthält keine Zeilen mit Vergaben."),
        (b"email;paket;farbe\na@example.org;X;rot\n", 400, "Unbekannte Spalten: farbe."),
        (b"email;valid_until\na@example.org;\n", 400, "Es fehlen Spalten"),
        (b"package;valid_until\nX;\n", 400, "Es fehlen Spalten"),
        (b"email;email;package\n", 400, "Spalten kommen doppelt vor: email."),
        (
            "email;package\nmüller@example.org;Coaching Basis\n".encode("latin-1"),
            400,
            "nicht in UTF-8",
        ),
        (b"email;package\n\x00\x01\x02;X\n", 400, "nicht in UTF-8"),
        (b"x" * (MAX_CSV_BYTES + 1), 413, "Die Datei ist größer als 256 KB."),
        (
            ("email;package\n" + "a@example.org;X\n" * (MAX_CSV_ROWS + 1)).encode(),
            400,
            f"Die Datei hat mehr als {MAX_CSV_ROWS} Zeilen.",
        ),
    ],
)
def test_unusable_files_are_refused_in_german_and_nothing_is_written(
    client, db: Session, site: Site, packages, data: bytes, status: int, message: str
):
    before = snapshot(db)
    response = upload(client, site.admin, site.base, data)
    assert response.status_code == status
    assert message in summary(response)
    assert snapshot(db) == before


def test_no_file_chosen_is_refused(client, db: Session, site: Site):
    """What a browser sends for a file input left empty: a part with ``filename=""``."""
    body = (
        b"--b0undary\r\n"
        b'Content-Disposition: form-data; name="file"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
        b"\r\n--b0undary--\r\n"
    )
    response = client.post(
        site.admin.url(f"{site.base}/import/preview"),
        content=body,
        headers={
            "Content-Type": "multipart/form-data; boundary=b0undary",
            "X-CSRF-Token": site.admin.csrf,
        },
    )
    assert response.status_code == 400
    assert "Bitte wählen Sie eine CSV-Datei aus." in summary(response)


def test_an_oversize_file_is_cut_off_while_streaming_without_content_length(
    client, db: Session, site: Site
):
    boundary = "kwboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()

    def body():  # a generator: sent chunked, without Content-Length
        yield head
        for _ in range(64):  # 4 MB in all, far past the cap
            yield b"a@example.org;X\n" * 4096
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        site.admin.url(f"{site.base}/import/preview"),
        content=body(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRF-Token": site.admin.csrf,
        },
    )
    assert response.status_code == 413
    assert "größer als 256 KB" in response.text
    assert snapshot(db) == (0, 0, 0)


def test_a_file_without_its_multipart_shape_is_refused(client, site: Site):
    response = client.post(
        site.admin.url(f"{site.base}/import/preview"),
        content=b"email;package\n",
        headers={"Content-Type": "text/csv", "X-CSRF-Token": site.admin.csrf},
    )
    assert response.status_code == 400
    assert "nicht vollständig an" in response.text


@pytest.mark.parametrize("csrf", [None, "forged"])
def test_the_upload_needs_the_csrf_token(client, db: Session, site: Site, packages, csrf):
    response = upload(
        client, site.admin, site.base, b"email;package\na@example.org;Coaching Basis\n", csrf=csrf
    )
    assert response.status_code == 403


def test_the_confirm_step_needs_the_csrf_token(client, db: Session, site: Site, packages):
    preview = upload(
        client, site.admin, site.base, b"email;package\na@example.org;Coaching Basis\n"
    )
    for csrf in (None, "forged"):
        assert (
            confirm(client, site.admin, site.base, draft_of(preview), csrf=csrf).status_code == 403
        )
    assert grants(db) == []


def _flip(token: str, index: int) -> str:
    replacement = "A" if token[index] != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


def test_a_tampered_or_foreign_preview_is_refused_and_writes_nothing(
    client, db: Session, site: Site, packages, make_learner
):
    preview = upload(
        client, site.admin, site.base, b"email;package\na@example.org;Coaching Basis\n"
    )
    draft = draft_of(preview)
    forged_payload = ImportDraft("not-our-secret").seal(
        site.admin.principal, "email;package\nevil@example.org;Coaching Plus\n", "x.csv"
    )
    second_admin = make_learner(context=site.course, role=Role.ADMIN)
    attempts = [
        (site.admin, _flip(draft, 5)),  # payload altered
        (site.admin, _flip(draft, len(draft) - 3)),  # signature altered
        (site.admin, draft[:-10]),
        (site.admin, ""),
        (site.admin, "x" * 5000),
        (site.admin, forged_payload),  # signed with another key
        (second_admin, draft),  # another admin's session
    ]
    for person, token in attempts:
        response = confirm(client, person, site.base, token)
        assert response.status_code == 400
        assert "Die Vorschau ist ungültig oder wurde verändert." in response.text
    assert snapshot(db)[1:] == (0, 0)
    # the genuine one still works
    assert confirm(client, site.admin, site.base, draft).status_code == 303
    assert len(grants(db)) == 1


def test_an_expired_preview_is_refused(site: Site):
    draft = ImportDraft("secret").seal(site.admin.principal, "email;package\n", "a.csv")
    with pytest.raises(CoachingRefused) as refused:
        ImportDraft("secret", max_age=-1).open(site.admin.principal, draft)
    assert (
        refused.value.problems[0].message
        == "Die Vorschau ist abgelaufen. Bitte laden Sie die Datei erneut hoch."
    )
    assert ImportDraft("secret").open(site.admin.principal, draft) == ("email;package\n", "a.csv")


def test_confirm_checks_again_and_writes_nothing_when_the_database_changed(
    client, db: Session, site: Site, packages
):
    basis, _ = packages
    preview = upload(
        client,
        site.admin,
        site.base,
        b"email;package\na@example.org;Coaching Plus\nb@example.org;Coaching Basis\n",
    )
    basis.archived_at = utcnow()
    db.add(basis)
    db.commit()
    response = confirm(client, site.admin, site.base, draft_of(preview))
    assert response.status_code == 409
    assert "archiviert" in parse(response.text).find("tr", id="row-3").clean_text
    assert grants(db) == [] and audit_log(db) == []


def test_a_failure_part_way_through_confirm_leaves_nothing_behind(
    client, db: Session, site: Site, packages, monkeypatch
):
    preview = upload(
        client,
        site.admin,
        site.base,
        b"email;package\n"
        b"a@example.org;Coaching Basis\n"
        b"b@example.org;Coaching Basis\n"
        b"c@example.org;Coaching Basis\n",
    )
    real = coaching_import.grant_package
    calls = []

    def fail_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise CoachingRefused(
                [coaching_import.Problem("", ALREADY_GRANTED)],
                409,
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(coaching_import, "grant_package", fail_on_the_second)
    response = confirm(client, site.admin, site.base, draft_of(preview))
    assert response.status_code == 409
    assert len(calls) == 2  # the first row had been written (flushed) before the failure
    assert grants(db) == [] and audit_log(db) == []


def test_rows_for_existing_grants_extend_them_or_change_nothing(
    client, db: Session, site: Site, packages, lena
):
    basis, plus = packages
    for package in (basis, plus):
        db.add(
            CoachingGrant(
                package_id=package.id, context_id=site.course.id, user_id=lena.principal.user_id
            )
        )
    db.commit()
    csv_text = (
        "email;package;valid_until\n"
        f"lena@example.org;Coaching Basis;{UNTIL.isoformat()}\n"
        "lena@example.org;Coaching Plus;\n"
    )
    preview = upload(client, site.admin, site.base, csv_text.encode())
    html = parse(preview.text)
    assert "Wird verlängert" in html.find("tr", id="row-2").clean_text
    assert "Unverändert" in html.find("tr", id="row-3").clean_text
    done = confirm(client, site.admin, site.base, draft_of(preview))
    assert "extended=1" in done.headers["location"] and "unchanged=1" in done.headers["location"]
    by_package = {g.package_id: g for g in grants(db)}
    assert by_package[basis.id].valid_until == UNTIL and by_package[plus.id].valid_until is None
    assert [e.action for e in audit_log(db)] == ["extended"]
    # confirming the same preview again changes nothing more
    again = confirm(client, site.admin, site.base, draft_of(preview))
    assert "unchanged=2" in again.headers["location"]
    assert len(grants(db)) == 2 and len(audit_log(db)) == 1


def test_two_imports_of_the_same_file_confirmed_at_once_grant_each_row_once(
    app, client, db: Session, site: Site, packages, lena, make_learner
):
    """Two admins preview the same file and confirm it at the same moment, the second
    while the first has written its grants but not yet committed: the second plans under
    the course's grant lock only after the first commits, and finds every row unchanged.
    Without the lock both would find nobody holding the package and grant it twice."""
    bert = make_learner(context=site.course, role=Role.ADMIN, name="Bert Admin")
    csv_text = (
        "email;package;valid_until\n"
        f"mia@example.org;Coaching Basis;{UNTIL.isoformat()}\n"
        "lena@example.org;Coaching Plus;\n"
    ).encode()

    def confirm_as(admin: Learner):
        draft = draft_of(upload(client, admin, site.base, csv_text))  # each their preview

        def click() -> object:
            with TestClient(app, base_url=TOOL_BASE_URL) as browser:
                return confirm(browser, admin, site.base, draft)

        return click

    with overlapping_writes("coaching_grant") as overlap:
        responses = run_at_once(confirm_as(site.admin), confirm_as(bert))
    assert overlap.paused and not overlap.timed_out
    counts = []
    for response in responses:
        assert response.status_code == 303
        query = parse_qs(urlsplit(response.headers["location"]).query)
        counts.append((query["granted"], query["extended"], query["unchanged"]))
    assert sorted(counts) == [(["0"], ["0"], ["2"]), (["2"], ["0"], ["0"])]
    assert sorted((g.email, g.package_id) for g in grants(db)) == sorted(
        [("mia@example.org", packages[0].id), ("lena@example.org", packages[1].id)]
    )
    assert [e.action for e in audit_log(db)] == ["granted", "granted"]


def test_a_confirm_locks_the_course_once_not_once_per_row(
    app, client, db: Session, site: Site, packages
):
    rows = "".join(f"p{n}@example.org;Coaching Basis\n" for n in range(5))
    preview = upload(client, site.admin, site.base, ("email;package\n" + rows).encode())
    with statements(app.state.engine) as seen:
        done = confirm(client, site.admin, site.base, draft_of(preview))
    assert "granted=5" in done.headers["location"]
    assert len([s for s in seen if s.lstrip().upper().startswith("UPDATE LMS_CONTEXT")]) == 1


def test_cells_are_shown_as_text_never_as_markup(client, site: Site, packages):
    csv_text = 'email;package\n"<script>alert(1)</script>@x.org";"<b>=HYPERLINK(""x"")</b>"\n'
    preview = upload(client, site.admin, site.base, csv_text.encode())
    assert preview.status_code == 400
    assert "<script>alert(1)" not in preview.text and "&lt;script&gt;" in preview.text
    assert "<b>=HYPERLINK" not in preview.text


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR])
def test_learners_and_tutors_cannot_import(
    client, db: Session, site: Site, packages, make_learner, role
):
    person = make_learner(context=site.course, role=role)
    assert get(client, person, site.base + "/import").status_code == 403
    assert (
        upload(
            client, person, site.base, b"email;package\na@example.org;Coaching Basis\n"
        ).status_code
        == 403
    )
    admin_preview = upload(
        client, site.admin, site.base, b"email;package\na@example.org;Coaching Basis\n"
    )
    assert confirm(client, person, site.base, draft_of(admin_preview)).status_code == 403
    assert grants(db) == []


def test_an_admin_of_another_platform_cannot_use_a_preview_of_ours(
    client, db: Session, site: Site, other_site: Site, packages
):
    preview = upload(
        client, site.admin, site.base, b"email;package\na@example.org;Coaching Basis\n"
    )
    response = confirm(client, other_site.admin, other_site.base, draft_of(preview))
    assert response.status_code == 400
    assert grants(db) == []


def test_a_csrf_field_after_the_file_is_refused(client, db: Session, site: Site, packages):
    before = snapshot(db)
    response = client.post(
        site.admin.url(f"{site.base}/import/preview"),
        files=[
            ("file", ("grants.csv", b"email;package\na@example.org;Coaching Basis\n", "text/csv")),
            ("csrf_token", (None, site.admin.csrf)),  # after the file: too late
        ],
    )
    assert response.status_code == 403
    assert "Formular ist abgelaufen" in response.text
    assert snapshot(db) == before


def test_a_csrf_token_in_the_url_is_not_accepted_for_an_import(
    client, db: Session, site: Site, packages
):
    response = client.post(
        site.admin.url(f"{site.base}/import/preview?csrf_token={site.admin.csrf}"),
        files={"file": ("grants.csv", b"email;package\na@example.org;Coaching Basis\n")},
    )
    assert response.status_code == 403


def test_a_csrf_header_serves_a_fetch_that_imports(client, db: Session, site: Site, packages):
    response = client.post(
        site.admin.url(f"{site.base}/import/preview"),
        files={"file": ("grants.csv", b"email;package\na@example.org;Coaching Basis\n")},
        headers={"X-CSRF-Token": site.admin.csrf},
    )
    assert response.status_code == 200
