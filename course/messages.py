"""UI texts of the course pages, German first. The course text itself is content and
stays German (pages mark it ``lang="de"``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        "nav.breadcrumb": "Sie sind hier",
        "nav.course_home": "Kursübersicht",
        "link.external": "(externer Link, öffnet in neuem Fenster)",
        "course.lessons": "Lektionen",
        "course.no_lessons": "Dieser Kurs hat noch keine Lektionen.",
        "course.progress_summary": "{read} von {total} Lektionen gelesen",
        "course.minutes_short": "ca. {minutes} Min. Lesezeit",
        "course.state.read": "Gelesen",
        "course.state.unread": "Noch nicht gelesen",
        "course.tools": "Weitere Bereiche",
        "course.deep_link.forum_title": "Forum: {lesson}",
        "course.deep_link.forum_text": (
            "Teilnehmende und Lehrende fragen und antworten zu dieser Lektion."
        ),
        "lesson.author": "Autor",
        "lesson.questions": "Fragen zum Inhalt der Lektion",
        "lesson.learning_goal": "Lernziel",
        "lesson.reading_time": "Lesezeit",
        "lesson.minutes": "ca. {minutes} Minuten",
        "lesson.state": "Stand",
        "lesson.exercises": "Aufgaben",
        "lesson.toc": "Inhaltsverzeichnis",
        "lesson.worksheets": "Arbeitsvorlagen dieser Lektion",
        "lesson.worksheet_step": "Prozessschritt",
        "lesson.further_reading": "Weiterführende Literatur",
        "lesson.progress": "Fortschritt",
        "lesson.is_read": "Sie haben diese Lektion als gelesen markiert.",
        "lesson.is_unread": "Sie haben diese Lektion noch nicht als gelesen markiert.",
        "lesson.mark_read": "Als gelesen markieren",
        "lesson.mark_unread": "Als ungelesen markieren",
        "exercise.label": "Übung",
        "exercise.from_lesson": "Aus der Lektion",
        "exercise.task": "Aufgabe",
        "exercise.pick_industry": "Branche wählen",
        "exercise.pick_hint": (
            "Wählen Sie eine Branche: Sie sehen dann die Aufgabe für diese Branche mit "
            "Beispielunternehmen."
        ),
        "exercise.show": "Aufgabe anzeigen",
        "exercise.for_industry": "Aufgabe für die Branche {industry}",
        "exercise.companies": "Beispielunternehmen",
        "exercise.back": "Zurück zur Lektion",
        "worksheet.label": "Arbeitsvorlage",
        "worksheet.from_lesson": "Genannt in der Lektion",
        "worksheet.print_hint": (
            "Diese Seite ist zum Ausdrucken gedacht. Sie zeigt den Prozessschritt, zu dem "
            "die Arbeitsvorlage gehört. Eine Vorlagendatei ist noch nicht hinterlegt."
        ),
        "reading.label": "Weiterführende Literatur",
        "reading.by": "Von",
        "reading.recommended_in": "Empfohlen in der Lektion",
        "course.none_loaded": (
            "Für diesen Kurs sind noch keine Inhalte geladen. Bitte wenden Sie sich an die "
            "Kursleitung."
        ),
        "course.not_found": "Diesen Kurs gibt es nicht.",
        "course.not_chosen": (
            "Kurswerk ist für diesen Kurs im LMS noch nicht eingerichtet: Die Kursleitung "
            "wählt beim ersten Öffnen, welcher Kurs hier erscheint. Bitte versuchen Sie es "
            "später noch einmal."
        ),
        "course.binding_conflict": (
            "Dieser Link gehört zum Kurs „{named}“, dieser Kurs im LMS zeigt aber den Kurs "
            "„{bound}“. Bitte wenden Sie sich an die Kursleitung oder die LMS-Administration."
        ),
        "course.named_not_loaded": (
            "Der Link nennt den Kurs „{course}“, den Kurswerk nicht kennt. Bitte wenden Sie "
            "sich an die LMS-Administration (Parameter kurswerk_course)."
        ),
        "course.choice.title": "Kurs auswählen",
        "course.choice.intro": (
            "In Kurswerk sind mehrere Kurse geladen. Wählen Sie, welchen dieser Kurs im LMS zeigt."
        ),
        "course.choice.legend": "Kurs",
        "course.choice.final": (
            "Die Wahl gilt für alle Teilnehmenden dieses Kurses im LMS und lässt sich hier "
            "nicht mehr ändern."
        ),
        "course.choice.submit": "Kurs festlegen",
        "course.choice.unknown": "Bitte wählen Sie einen der angebotenen Kurse.",
        "course.archived": "Dieser Kurs ist nicht mehr verfügbar.",
        "course.lesson_not_found": "Diese Lektion gibt es nicht (mehr).",
        "course.exercise_not_found": "Diese Übung gibt es nicht (mehr).",
        "course.variant_not_found": "Zu dieser Übung gibt es keine Aufgabe für diese Branche.",
        "course.worksheet_not_found": "Diese Arbeitsvorlage gibt es nicht (mehr).",
        "course.reading_not_found": "Diesen Text gibt es nicht (mehr).",
    },
    "en": {
        "nav.breadcrumb": "You are here",
        "nav.course_home": "Course overview",
        "link.external": "(external link, opens in a new window)",
        "course.lessons": "Lessons",
        "course.no_lessons": "This course has no lessons yet.",
        "course.progress_summary": "{read} of {total} lessons read",
        "course.minutes_short": "about {minutes} min reading time",
        "course.state.read": "Read",
        "course.state.unread": "Not read yet",
        "course.tools": "More in Kurswerk",
        "course.deep_link.forum_title": "Forum: {lesson}",
        "course.deep_link.forum_text": (
            "Participants and teaching staff ask and answer questions about this lesson."
        ),
        "lesson.author": "Author",
        "lesson.questions": "Questions about this lesson",
        "lesson.learning_goal": "Learning goal",
        "lesson.reading_time": "Reading time",
        "lesson.minutes": "about {minutes} minutes",
        "lesson.state": "Status",
        "lesson.exercises": "Exercises",
        "lesson.toc": "Contents",
        "lesson.worksheets": "Worksheet templates of this lesson",
        "lesson.worksheet_step": "Process step",
        "lesson.further_reading": "Further reading",
        "lesson.progress": "Progress",
        "lesson.is_read": "You have marked this lesson as read.",
        "lesson.is_unread": "You have not marked this lesson as read yet.",
        "lesson.mark_read": "Mark as read",
        "lesson.mark_unread": "Mark as unread",
        "exercise.label": "Exercise",
        "exercise.from_lesson": "From the lesson",
        "exercise.task": "Task",
        "exercise.pick_industry": "Choose an industry",
        "exercise.pick_hint": (
            "Choose an industry to see the task for it, with example companies."
        ),
        "exercise.show": "Show task",
        "exercise.for_industry": "Task for the industry {industry}",
        "exercise.companies": "Example companies",
        "exercise.back": "Back to the lesson",
        "worksheet.label": "Worksheet template",
        "worksheet.from_lesson": "Named in the lesson",
        "worksheet.print_hint": (
            "This page is meant for printing. It shows the process step the worksheet "
            "template belongs to. No template file has been supplied yet."
        ),
        "reading.label": "Further reading",
        "reading.by": "By",
        "reading.recommended_in": "Recommended in the lesson",
        "course.none_loaded": (
            "No content has been loaded for this course yet. Please contact the course team."
        ),
        "course.not_found": "This course does not exist.",
        "course.not_chosen": (
            "Kurswerk is not set up for this LMS course yet: an instructor chooses which "
            "course it shows when they first open it. Please try again later."
        ),
        "course.binding_conflict": (
            "This link belongs to the course “{named}”, but this LMS course shows the "
            "course “{bound}”. Please contact your instructor or the LMS administrators."
        ),
        "course.named_not_loaded": (
            "The link names the course “{course}”, which Kurswerk does not know. Please "
            "contact the LMS administrators (parameter kurswerk_course)."
        ),
        "course.choice.title": "Choose the course",
        "course.choice.intro": (
            "Several courses are loaded in Kurswerk. Choose which one this LMS course shows."
        ),
        "course.choice.legend": "Course",
        "course.choice.final": (
            "The choice applies to everyone in this LMS course and cannot be changed here "
            "afterwards."
        ),
        "course.choice.submit": "Set the course",
        "course.choice.unknown": "Please choose one of the courses offered.",
        "course.archived": "This course is no longer available.",
        "course.lesson_not_found": "This lesson does not exist (any more).",
        "course.exercise_not_found": "This exercise does not exist (any more).",
        "course.variant_not_found": "This exercise has no task for that industry.",
        "course.worksheet_not_found": "This worksheet template does not exist (any more).",
        "course.reading_not_found": "This text does not exist (any more).",
    },
}
