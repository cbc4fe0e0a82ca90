"""UI texts of the FAQ, the lesson forums and "ask the lecturer", German first."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        # The page "Fragen zum Inhalt der Lektion"
        "hub.intro": (
            "Offene Fragen lösen Sie am schnellsten in dieser Reihenfolge: Lektion noch einmal "
            "lesen, die FAQ durchsehen, im Forum fragen – und erst wenn das nicht hilft, den "
            "Dozenten fragen."
        ),
        "hub.step.reread": "Die Lektion noch einmal durcharbeiten",
        "hub.step.reread_text": "Viele Antworten stehen im Text der Lektion:",
        "hub.step.faq_text": "Häufige Fragen mit Antworten ({count} Einträge).",
        "hub.step.faq_link": "Alle FAQ dieser Lektion ansehen",
        "hub.step.forum_text": "Fragen und Antworten der Teilnehmenden ({count} Fragen).",
        "hub.step.forum_link": "Zum Forum der Lektion",
        "hub.step.ask_text": (
            "Wenn FAQ und Forum keine Antwort haben: Ihre Frage geht vertraulich an die "
            "Lehrenden und wird per E-Mail beantwortet."
        ),
        "hub.step.ask_link": "Frage an den Dozenten stellen",
        "hub.step.office_hours": "Dozentensprechstunde",
        "hub.step.office_hours_text": (
            "Für Teilnehmende mit Coachingpaket folgt die individuelle Dozentensprechstunde."
        ),
        # FAQ
        "faq.title": "FAQ",
        "faq.eyebrow": "Häufige Fragen",
        "faq.entries": "Fragen und Antworten",
        "faq.empty": "Zu dieser Lektion gibt es noch keine FAQ-Einträge.",
        "faq.search_label": "FAQ durchsuchen",
        "faq.search_results": "Suchergebnisse ({count})",
        "faq.no_hits": "Kein FAQ-Eintrag passt zu Ihrer Suche.",
        "faq.partial_hits": (
            "Kein Eintrag enthält alle gesuchten Wörter. Diese Einträge enthalten einige davon."
        ),
        "faq.show_all": "Alle Einträge anzeigen",
        "faq.quoted_from_lesson": "Antwort im Wortlaut aus der Lektion, Abschnitt",
        "faq.from_forum": "Aus dem Forum übernommen: zur Diskussion",
        "faq.not_found_hint": "Keine passende Antwort gefunden?",
        "faq.new": "Neuer FAQ-Eintrag",
        "faq.edit": "FAQ-Eintrag bearbeiten",
        "faq.field.question": "Frage",
        "faq.field.answer": "Antwort",
        "faq.field.position": "Reihenfolge",
        "faq.position_hint": "Kleinere Zahlen stehen weiter oben. Leer lassen: ans Ende.",
        "faq.shared_hint": (
            "Dieser Eintrag stammt aus den Kursdateien. Ihre Änderung gilt nur in diesem "
            "LMS-Kurs; alle anderen LMS-Kurse zeigen weiter die Fassung der Kursdateien. Das "
            "Laden der Kursdateien überschreibt Ihre Fassung nicht, bis Sie die Dateifassung "
            "wiederherstellen."
        ),
        "faq.origin.file": "Aus den Kursdateien",
        "faq.origin.tool": "Im Tool geschrieben",
        "faq.origin.forum": "Aus dem Forum übernommen",
        "faq.origin.question": "Aus einer Frage an den Dozenten",
        "faq.edited_in_tool": "in diesem LMS-Kurs geändert",
        "faq.file_differs": "die Kursdatei hat eine andere Fassung",
        "faq.revert": "Dateifassung wiederherstellen",
        "faq.removed": "In diesem LMS-Kurs gelöschte Einträge aus den Kursdateien",
        "faq.entry_not_found": "Diesen FAQ-Eintrag gibt es nicht (mehr).",
        "faq.not_from_file": "Dieser Eintrag stammt nicht aus den Kursdateien.",
        # Forum: pages
        "forum.title": "Forum",
        "forum.eyebrow": "Forum der Lektion",
        "forum.intro": (
            "Hier fragen und antworten Teilnehmende und Lehrende zu dieser Lektion. Schauen "
            "Sie vor einer neuen Frage kurz in die FAQ."
        ),
        "forum.new_question": "Neue Frage stellen",
        "forum.new_intro": (
            "Während Sie schreiben, zeigen wir ähnliche Fragen aus FAQ und Forum: vielleicht "
            "ist Ihre schon beantwortet."
        ),
        "forum.threads": "Fragen ({count})",
        "forum.no_threads": "In diesem Forum gibt es noch keine Fragen.",
        "forum.search_label": "Forum durchsuchen",
        "forum.search": "Suchen",
        "forum.search_all_lessons": "in allen Lektionen",
        "forum.search_results": "Suchergebnisse ({count})",
        "forum.search_reset": "Alle Fragen anzeigen",
        "forum.no_search_hits": "Keine Frage passt zu Ihrer Suche.",
        "forum.in_lesson": "Lektion",
        "forum.asked_by": "Gefragt von",
        "forum.replies": "Antworten: {count}",
        "forum.state.open": "noch offen",
        "forum.state.answered": "beantwortet",
        "forum.state.accepted": "gelöst",
        "forum.unread": "Neu",
        "forum.new": "neu",
        "forum.pinned": "Angeheftet",
        "forum.locked": "Geschlossen",
        "forum.hidden": "Ausgeblendet",
        "forum.hidden_post": "ausgeblendet",
        "forum.deleted": "gelöscht",
        "forum.mark_all_read": "Alle als gelesen markieren",
        "forum.follow_lesson": "Forum der Lektion folgen",
        "forum.unfollow_lesson": "Forum nicht mehr folgen",
        "forum.follow_thread": "Dieser Frage folgen",
        "forum.unfollow_thread": "Nicht mehr folgen",
        "forum.pages": "Seiten",
        "forum.page_prev": "Vorherige Seite",
        "forum.page_next": "Nächste Seite",
        "forum.page_of": "Seite {page} von {pages}",
        "forum.question": "Frage",
        "forum.reply": "Antwort",
        "forum.edited": "bearbeitet",
        "forum.accepted_answer": "Akzeptierte Antwort",
        "forum.deleted_post": "Dieser Beitrag wurde gelöscht.",
        "forum.edit": "Bearbeiten",
        "forum.delete": "Löschen",
        "forum.accept": "Als Antwort akzeptieren",
        "forum.unaccept": "Nicht mehr als Antwort markieren",
        "forum.hide": "Ausblenden",
        "forum.unhide": "Wieder einblenden",
        "forum.promote": "In die FAQ übernehmen",
        "forum.promote_title": "Antwort in die FAQ übernehmen?",
        "forum.promote_hint": (
            "So würde der Eintrag in der FAQ der Lektion „{lesson}“ stehen: die Frage des "
            "Themas und diese Antwort, ohne Namen. Alle Teilnehmenden dieses Kurses sehen "
            "ihn, sobald Sie bestätigen; danach können Sie ihn noch bearbeiten."
        ),
        "forum.promote_confirm": "In der FAQ veröffentlichen",
        "forum.report": "Melden",
        "forum.in_faq": "In die FAQ übernommen",
        "forum.your_reply": "Ihre Antwort",
        "forum.locked_hint": "Diese Frage ist geschlossen: Antworten sind nicht mehr möglich.",
        "forum.send_reply": "Antwort senden",
        "forum.moderation": "Moderation",
        "forum.flag.pinned.on": "Anheften",
        "forum.flag.pinned.off": "Nicht mehr anheften",
        "forum.flag.locked.on": "Schließen",
        "forum.flag.locked.off": "Wieder öffnen",
        "forum.flag.hidden.on": "Frage ausblenden",
        "forum.flag.hidden.off": "Frage wieder einblenden",
        "forum.delete_thread": "Frage mit allen Antworten löschen",
        "forum.move_to": "In das Forum einer anderen Lektion verschieben",
        "forum.move": "Verschieben",
        "forum.edit_title": "Beitrag bearbeiten",
        "forum.save": "Speichern",
        "forum.cancel": "Abbrechen",
        "forum.field.title": "Ihre Frage in einem Satz",
        "forum.field.question": "Beschreibung (was Sie schon wissen, wo Sie hängen)",
        "forum.field.reply": "Antwort",
        "forum.field.text": "Text",
        "forum.field.anonymous": "Anonym für andere Teilnehmende posten",
        "forum.anonymous_hint": (
            "Andere Teilnehmende sehen dann nicht, wer gefragt hat. Die Lehrenden sehen es."
        ),
        "forum.markdown_hint": (
            "Formatierung mit Markdown: **fett**, *kursiv*, [Linktext](https://…), Listen mit "
            "„- “. HTML wird als Text angezeigt."
        ),
        "forum.check_similar": "Ähnliche Fragen prüfen",
        "forum.post_question": "Frage veröffentlichen",
        "forum.similar_title": "Ähnliche Fragen",
        "forum.similar_hint": (
            "Sobald Sie schreiben, erscheinen hier ähnliche Fragen. Ohne JavaScript: "
            "„Ähnliche Fragen prüfen“."
        ),
        "forum.similar_none": "Keine ähnliche Frage gefunden. Veröffentlichen Sie Ihre Frage.",
        "forum.similar_intro": "Vielleicht ist Ihre Frage schon beantwortet:",
        "forum.similar_faq": "In der FAQ",
        "forum.similar_threads": "Im Forum",
        "forum.opens_new_window": "(öffnet in neuem Fenster)",
        "forum.report_title": "Beitrag melden",
        "forum.report_intro": (
            "Die Lehrenden dieses Kurses erfahren von Ihrer Meldung und prüfen den Beitrag. "
            "Der Verfasser erfährt nicht, wer gemeldet hat."
        ),
        "forum.field.reason": "Grund (freiwillig)",
        "forum.send_report": "Meldung senden",
        "forum.reports": "Gemeldete Beiträge",
        "forum.reports_open": "Offene Meldungen",
        "forum.reports_resolved": "Erledigte Meldungen",
        "forum.reports_none": "Keine Meldungen.",
        "forum.reported_at": "gemeldet am",
        "forum.reported_by": "von",
        "forum.post_author": "Verfasst von",
        "forum.resolve.hidden": "Beitrag ausblenden",
        "forum.resolve.deleted": "Beitrag löschen",
        "forum.resolve.dismissed": "Meldung verwerfen",
        "forum.resolution.hidden": "Erledigt: Beitrag ausgeblendet.",
        "forum.resolution.deleted": "Erledigt: Beitrag gelöscht.",
        "forum.resolution.dismissed": "Erledigt: Meldung verworfen.",
        "forum.notifications": "E-Mail-Benachrichtigungen",
        "forum.delivery": "Wie möchten Sie über neue Beiträge informiert werden?",
        "forum.delivery.instant": "Eine E-Mail je neuem Beitrag",
        "forum.delivery.digest": "Einmal täglich eine Zusammenfassung",
        "forum.followed": "Dem folgen Sie",
        "forum.followed_none": "Sie folgen keiner Frage und keinem Forum.",
        "forum.whole_forum": "Das ganze Forum der Lektion „{lesson}“",
        "forum.unfollow": "Nicht mehr folgen",
        "forum.author.anonymous": "Anonym",
        "forum.author.gone": "Gelöschte Person",
        "forum.author.you": "Sie",
        "forum.author.unnamed": "Ohne Namen",
        "forum.badge.tutor": "Tutor/in",
        "forum.badge.anonymous_to_peers": "anonym für Teilnehmende",
        # Forum: refusals
        "forum.thread_not_found": "Diese Frage gibt es nicht (mehr).",
        "forum.post_not_found": "Diesen Beitrag gibt es nicht (mehr).",
        "forum.report_not_found": "Diese Meldung gibt es nicht.",
        "forum.error.empty": "Bitte füllen Sie dieses Feld aus.",
        "forum.error.too_long": (
            "Der Text ist zu lang: {length} Zeichen, erlaubt sind höchstens {limit}. Es wurde "
            "nichts gespeichert. Bitte kürzen Sie ihn."
        ),
        "forum.error.invalid_text": "Der Text enthält unzulässige Zeichen.",
        "forum.error.flood": (
            "Sie haben in der letzten Minute schon {limit} Beiträge geschrieben. Bitte warten "
            "Sie einen Moment und senden Sie dann noch einmal. Ihr Text steht noch im Formular."
        ),
        "forum.error.locked": "Diese Frage ist geschlossen.",
        "forum.error.not_yours": "Das geht nur mit eigenen Beiträgen.",
        "forum.error.edit_window_over": (
            "Beiträge lassen sich nur in den ersten {minutes} Minuten bearbeiten."
        ),
        "forum.error.cannot_accept": "Nur eine sichtbare Antwort kann akzeptiert werden.",
        "forum.error.report_own": "Eigene Beiträge können Sie nicht melden.",
        "forum.error.bad_resolution": "Unbekannte Entscheidung.",
        # Ask the lecturer
        "questions.ask_title": "Dozenten fragen",
        "questions.ask_intro": (
            "Ihre Frage geht vertraulich an die Lehrenden dieses Kurses. Die Antwort finden Sie "
            "hier und per E-Mail."
        ),
        "questions.before_asking": "Schon nachgesehen?",
        "questions.field.subject": "Betreff",
        "questions.field.body": "Ihre Frage",
        "questions.privacy_hint": (
            "Nur Sie und die Lehrenden sehen diese Frage. Wird sie in die FAQ übernommen, dann "
            "ohne Ihren Namen."
        ),
        "questions.send": "Frage senden",
        "questions.mine_for_lesson": "Ihre Fragen zu dieser Lektion",
        "questions.list_title": "Meine Fragen an den Dozenten",
        "questions.inbox_title": "Fragen an den Dozenten",
        "questions.inbox_open": "Offene Fragen",
        "questions.inbox_answered": "Beantwortete Fragen",
        "questions.none": "Keine Fragen.",
        "questions.open": "noch offen",
        "questions.answered": "beantwortet",
        "questions.about_lesson": "Zur Lektion",
        "questions.answer": "Antwort",
        "questions.no_answer_yet": "Noch keine Antwort. Sie erhalten sie auch per E-Mail.",
        "questions.write_answer": "Antworten",
        "questions.correct_answer": "Antwort ändern",
        "questions.field.answer": "Antwort (geht per E-Mail an die fragende Person)",
        "questions.send_answer": "Antwort senden",
        "questions.publish": "Als FAQ-Eintrag veröffentlichen",
        "questions.publish_hint": (
            "Der Eintrag erscheint ohne Namen in der FAQ dieser Lektion. Entfernen Sie vorher "
            "alles, was auf die fragende Person schließen lässt."
        ),
        "questions.publish_button": "In der FAQ veröffentlichen",
        "questions.in_faq": "In der FAQ veröffentlicht",
        "questions.not_found": "Diese Frage gibt es nicht.",
        "questions.not_answered": "Nur beantwortete Fragen können in die FAQ.",
        # Status notices after an action
        "notice.posted": (
            "Ihre Frage ist veröffentlicht. Sie folgen ihr und erfahren per E-Mail von Antworten."
        ),
        "notice.replied": "Ihre Antwort ist veröffentlicht.",
        "notice.edited": "Gespeichert.",
        "notice.deleted": "Der Beitrag ist gelöscht.",
        "notice.thread_deleted": "Die Frage ist gelöscht.",
        "notice.followed": "Sie folgen jetzt und erhalten E-Mails zu neuen Beiträgen.",
        "notice.unfollowed": "Sie folgen nicht mehr.",
        "notice.reported": "Danke. Die Lehrenden prüfen den Beitrag.",
        "notice.already_reported": "Diesen Beitrag haben Sie schon gemeldet.",
        "notice.moderated": "Geändert.",
        "notice.moved": "Die Frage ist verschoben.",
        "notice.accepted": "Gespeichert.",
        "notice.promoted": (
            "Die Antwort steht jetzt in der FAQ. Sie können den Eintrag noch bearbeiten."
        ),
        "notice.already_promoted": "Diese Frage steht schon in der FAQ.",
        "notice.faq_saved": "Der FAQ-Eintrag ist gespeichert.",
        "notice.faq_deleted": "Der FAQ-Eintrag ist gelöscht.",
        "notice.faq_reverted": "Die Fassung aus den Kursdateien gilt wieder.",
        "notice.asked": "Ihre Frage ist bei den Lehrenden angekommen.",
        "notice.answered": "Die Antwort ist gespeichert und per E-Mail unterwegs.",
        "notice.published": "Die Frage steht jetzt ohne Namen in der FAQ.",
        "notice.settings_saved": "Ihre Einstellung ist gespeichert.",
        "notice.all_read": "Alle Fragen sind als gelesen markiert.",
        "notice.resolved": "Die Meldung ist erledigt.",
    },
    "en": {
        "hub.intro": (
            "Open questions are solved fastest in this order: read the lesson again, look "
            "through the FAQ, ask in the forum – and only then ask the lecturer."
        ),
        "hub.step.reread": "Work through the lesson again",
        "hub.step.reread_text": "Many answers are in the text of the lesson:",
        "hub.step.faq_text": "Frequently asked questions with answers ({count} entries).",
        "hub.step.faq_link": "See all FAQ of this lesson",
        "hub.step.forum_text": "Questions and answers of the participants ({count} questions).",
        "hub.step.forum_link": "Go to the lesson's forum",
        "hub.step.ask_text": (
            "If neither FAQ nor forum answers it: your question goes confidentially to the "
            "teaching staff and is answered by email."
        ),
        "hub.step.ask_link": "Ask the lecturer",
        "hub.step.office_hours": "Office hours",
        "hub.step.office_hours_text": (
            "Individual office hours for participants with a coaching package follow later."
        ),
        "faq.title": "FAQ",
        "faq.eyebrow": "Frequently asked questions",
        "faq.entries": "Questions and answers",
        "faq.empty": "This lesson has no FAQ entries yet.",
        "faq.search_label": "Search the FAQ",
        "faq.search_results": "Search results ({count})",
        "faq.no_hits": "No FAQ entry matches your search.",
        "faq.partial_hits": "No entry holds every word searched for. These hold some of them.",
        "faq.show_all": "Show all entries",
        "faq.quoted_from_lesson": "Answer quoted word for word from the lesson, section",
        "faq.from_forum": "Taken from the forum: see the discussion",
        "faq.not_found_hint": "No fitting answer?",
        "faq.new": "New FAQ entry",
        "faq.edit": "Edit FAQ entry",
        "faq.field.question": "Question",
        "faq.field.answer": "Answer",
        "faq.field.position": "Order",
        "faq.position_hint": "Smaller numbers come first. Leave empty: at the end.",
        "faq.shared_hint": (
            "This entry comes from the course files. Your change applies to this LMS course "
            "only; every other LMS course keeps showing the course files' version. Loading the "
            "course files does not overwrite your version until you restore the file version."
        ),
        "faq.origin.file": "From the course files",
        "faq.origin.tool": "Written in the tool",
        "faq.origin.forum": "Taken from the forum",
        "faq.origin.question": "From a question to the lecturer",
        "faq.edited_in_tool": "changed in this LMS course",
        "faq.file_differs": "the course file has another version",
        "faq.revert": "Restore the file version",
        "faq.removed": "Entries from the course files deleted in this LMS course",
        "faq.entry_not_found": "This FAQ entry does not exist (any more).",
        "faq.not_from_file": "This entry does not come from the course files.",
        "forum.title": "Forum",
        "forum.eyebrow": "Lesson forum",
        "forum.intro": (
            "Participants and teaching staff ask and answer questions about this lesson here. "
            "Please have a look at the FAQ before asking."
        ),
        "forum.new_question": "Ask a new question",
        "forum.new_intro": (
            "While you write, similar questions from the FAQ and the forum appear: yours may "
            "have been answered already."
        ),
        "forum.threads": "Questions ({count})",
        "forum.no_threads": "This forum has no questions yet.",
        "forum.search_label": "Search the forum",
        "forum.search": "Search",
        "forum.search_all_lessons": "in all lessons",
        "forum.search_results": "Search results ({count})",
        "forum.search_reset": "Show all questions",
        "forum.no_search_hits": "No question matches your search.",
        "forum.in_lesson": "Lesson",
        "forum.asked_by": "Asked by",
        "forum.replies": "Replies: {count}",
        "forum.state.open": "open",
        "forum.state.answered": "answered",
        "forum.state.accepted": "solved",
        "forum.unread": "New",
        "forum.new": "new",
        "forum.pinned": "Pinned",
        "forum.locked": "Closed",
        "forum.hidden": "Hidden",
        "forum.hidden_post": "hidden",
        "forum.deleted": "deleted",
        "forum.mark_all_read": "Mark all as read",
        "forum.follow_lesson": "Follow the lesson's forum",
        "forum.unfollow_lesson": "Stop following the forum",
        "forum.follow_thread": "Follow this question",
        "forum.unfollow_thread": "Stop following",
        "forum.pages": "Pages",
        "forum.page_prev": "Previous page",
        "forum.page_next": "Next page",
        "forum.page_of": "Page {page} of {pages}",
        "forum.question": "Question",
        "forum.reply": "Reply",
        "forum.edited": "edited",
        "forum.accepted_answer": "Accepted answer",
        "forum.deleted_post": "This post was deleted.",
        "forum.edit": "Edit",
        "forum.delete": "Delete",
        "forum.accept": "Accept as the answer",
        "forum.unaccept": "Unmark as the answer",
        "forum.hide": "Hide",
        "forum.unhide": "Show again",
        "forum.promote": "Add to the FAQ",
        "forum.promote_title": "Add this answer to the FAQ?",
        "forum.promote_hint": (
            "This is how the entry would appear in the FAQ of the lesson “{lesson}”: the "
            "thread's question and this answer, without names. Everyone in this course sees "
            "it once you confirm; you can still edit it afterwards."
        ),
        "forum.promote_confirm": "Publish in the FAQ",
        "forum.report": "Report",
        "forum.in_faq": "Added to the FAQ",
        "forum.your_reply": "Your reply",
        "forum.locked_hint": "This question is closed: no more replies.",
        "forum.send_reply": "Send reply",
        "forum.moderation": "Moderation",
        "forum.flag.pinned.on": "Pin",
        "forum.flag.pinned.off": "Unpin",
        "forum.flag.locked.on": "Close",
        "forum.flag.locked.off": "Reopen",
        "forum.flag.hidden.on": "Hide question",
        "forum.flag.hidden.off": "Show question again",
        "forum.delete_thread": "Delete the question with all replies",
        "forum.move_to": "Move to the forum of another lesson",
        "forum.move": "Move",
        "forum.edit_title": "Edit post",
        "forum.save": "Save",
        "forum.cancel": "Cancel",
        "forum.field.title": "Your question in one sentence",
        "forum.field.question": "Details (what you know, where you are stuck)",
        "forum.field.reply": "Reply",
        "forum.field.text": "Text",
        "forum.field.anonymous": "Post anonymously to other participants",
        "forum.anonymous_hint": (
            "Other participants will not see who asked. The teaching staff will."
        ),
        "forum.markdown_hint": (
            "Markdown formatting: **bold**, *italic*, [link text](https://…), lists with "
            "\u201c- \u201d. HTML shows as text."
        ),
        "forum.check_similar": "Check similar questions",
        "forum.post_question": "Publish question",
        "forum.similar_title": "Similar questions",
        "forum.similar_hint": (
            "Similar questions appear here as you type. Without JavaScript: \u201cCheck similar "
            "questions\u201d."
        ),
        "forum.similar_none": "No similar question found. Go ahead and publish yours.",
        "forum.similar_intro": "Your question may have been answered already:",
        "forum.similar_faq": "In the FAQ",
        "forum.similar_threads": "In the forum",
        "forum.opens_new_window": "(opens in a new window)",
        "forum.report_title": "Report post",
        "forum.report_intro": (
            "The teaching staff of this course learn of your report and check the post. The "
            "author does not learn who reported it."
        ),
        "forum.field.reason": "Reason (optional)",
        "forum.send_report": "Send report",
        "forum.reports": "Reported posts",
        "forum.reports_open": "Open reports",
        "forum.reports_resolved": "Resolved reports",
        "forum.reports_none": "No reports.",
        "forum.reported_at": "reported on",
        "forum.reported_by": "by",
        "forum.post_author": "Written by",
        "forum.resolve.hidden": "Hide the post",
        "forum.resolve.deleted": "Delete the post",
        "forum.resolve.dismissed": "Dismiss the report",
        "forum.resolution.hidden": "Resolved: post hidden.",
        "forum.resolution.deleted": "Resolved: post deleted.",
        "forum.resolution.dismissed": "Resolved: report dismissed.",
        "forum.notifications": "Email notifications",
        "forum.delivery": "How would you like to hear of new posts?",
        "forum.delivery.instant": "One email per new post",
        "forum.delivery.digest": "One summary a day",
        "forum.followed": "What you follow",
        "forum.followed_none": "You follow no question and no forum.",
        "forum.whole_forum": "The whole forum of the lesson \u201c{lesson}\u201d",
        "forum.unfollow": "Stop following",
        "forum.author.anonymous": "Anonymous",
        "forum.author.gone": "Deleted person",
        "forum.author.you": "You",
        "forum.author.unnamed": "No name",
        "forum.badge.tutor": "Tutor",
        "forum.badge.anonymous_to_peers": "anonymous to learners",
        "forum.thread_not_found": "This question does not exist (any more).",
        "forum.post_not_found": "This post does not exist (any more).",
        "forum.report_not_found": "This report does not exist.",
        "forum.error.empty": "Please fill in this field.",
        "forum.error.too_long": (
            "The text is too long: {length} characters, at most {limit} are allowed. Nothing "
            "was saved. Please shorten it."
        ),
        "forum.error.invalid_text": "The text holds characters that are not allowed.",
        "forum.error.flood": (
            "You have written {limit} posts in the last minute. Please wait a moment, then "
            "send again. Your text is still in the form."
        ),
        "forum.error.locked": "This question is closed.",
        "forum.error.not_yours": "That works only with your own posts.",
        "forum.error.edit_window_over": (
            "Posts can be edited only in their first {minutes} minutes."
        ),
        "forum.error.cannot_accept": "Only a visible reply can be accepted.",
        "forum.error.report_own": "You cannot report your own posts.",
        "forum.error.bad_resolution": "Unknown decision.",
        "questions.ask_title": "Ask the lecturer",
        "questions.ask_intro": (
            "Your question goes confidentially to the teaching staff of this course. You will "
            "find the answer here and by email."
        ),
        "questions.before_asking": "Already checked?",
        "questions.field.subject": "Subject",
        "questions.field.body": "Your question",
        "questions.privacy_hint": (
            "Only you and the teaching staff see this question. If it is added to the FAQ, it "
            "is without your name."
        ),
        "questions.send": "Send question",
        "questions.mine_for_lesson": "Your questions about this lesson",
        "questions.list_title": "My questions to the lecturer",
        "questions.inbox_title": "Questions to the lecturer",
        "questions.inbox_open": "Open questions",
        "questions.inbox_answered": "Answered questions",
        "questions.none": "No questions.",
        "questions.open": "open",
        "questions.answered": "answered",
        "questions.about_lesson": "About the lesson",
        "questions.answer": "Answer",
        "questions.no_answer_yet": "No answer yet. You will get it by email too.",
        "questions.write_answer": "Answer",
        "questions.correct_answer": "Change the answer",
        "questions.field.answer": "Answer (emailed to the person who asked)",
        "questions.send_answer": "Send answer",
        "questions.publish": "Publish as an FAQ entry",
        "questions.publish_hint": (
            "The entry appears without a name in this lesson's FAQ. First remove anything that "
            "points to the person who asked."
        ),
        "questions.publish_button": "Publish in the FAQ",
        "questions.in_faq": "Published in the FAQ",
        "questions.not_found": "This question does not exist.",
        "questions.not_answered": "Only answered questions can go into the FAQ.",
        "notice.posted": "Your question is published. You follow it and hear of replies by email.",
        "notice.replied": "Your reply is published.",
        "notice.edited": "Saved.",
        "notice.deleted": "The post is deleted.",
        "notice.thread_deleted": "The question is deleted.",
        "notice.followed": "You now follow it and get emails about new posts.",
        "notice.unfollowed": "You no longer follow it.",
        "notice.reported": "Thank you. The teaching staff will check the post.",
        "notice.already_reported": "You have reported this post already.",
        "notice.moderated": "Changed.",
        "notice.moved": "The question has been moved.",
        "notice.accepted": "Saved.",
        "notice.promoted": "The answer is now in the FAQ. You can still edit the entry.",
        "notice.already_promoted": "This question is in the FAQ already.",
        "notice.faq_saved": "The FAQ entry is saved.",
        "notice.faq_deleted": "The FAQ entry is deleted.",
        "notice.faq_reverted": "The version from the course files applies again.",
        "notice.asked": "Your question has reached the teaching staff.",
        "notice.answered": "The answer is saved and on its way by email.",
        "notice.published": "The question is now in the FAQ, without a name.",
        "notice.settings_saved": "Your setting is saved.",
        "notice.all_read": "All questions are marked as read.",
        "notice.resolved": "The report is resolved.",
    },
}
