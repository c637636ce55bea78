"""A document a coordinator sends on Telegram reaches the step that asked for it: getFile, then
the download from the Bot API's file URL, and only when the step wants the bytes."""

from __future__ import annotations

from models.people import person_at
from models.roles import RoleScope, grant
from tests.bot.telegram.conftest import RunningBot
from tests.bot.test_people_cli import LIST

COORDINATOR = 7001


async def test_a_role_holders_list_sent_as_a_document_is_downloaded_and_previewed(
    running: RunningBot,
) -> None:
    standin = running.standin
    async with running.app.sessions() as session, session.begin():
        await grant(
            session, await person_at(session, telegram_id=str(COORDINATOR)), RoleScope.NATIONAL
        )
    listed = ("\ufeff" + LIST).encode()

    # Outside the import a document is only "a file": nobody fetches it.
    [shrug] = await running.say(
        COORDINATOR, standin.document(COORDINATOR, listed, "a.csv", "text/csv")
    )
    assert "שורות ברשימה" not in shrug.params["text"] and not standin.of("getFile")

    await running.say(COORDINATOR, standin.message(COORDINATOR, "/import_people"))
    update = standin.document(COORDINATOR, listed, "role-holders.csv", "text/csv")
    [preview] = await running.say(COORDINATOR, update)
    text = preview.params["text"]
    assert "שורות ברשימה: 5" in text and "• שורה 4: הטלפון חסר או שאינו מספר תקין" in text
    assert len(standin.of("getFile")) == 1 and standin.downloads == [
        standin.files[update["message"]["document"]["file_id"]][0]
    ]
    [done] = await running.say(COORDINATOR, standin.press(COORDINATOR, "לייבא (2)"))
    assert "אנשים חדשים: 2" in done.params["text"]


async def test_a_pdf_is_refused_in_english_without_being_downloaded(running: RunningBot) -> None:
    standin = running.standin
    standin.user_language = "en"
    async with running.app.sessions() as session, session.begin():
        person = await person_at(session, telegram_id=str(COORDINATOR))
        await grant(session, person, RoleScope.NATIONAL)
    [ask] = await running.say(COORDINATOR, standin.message(COORDINATOR, "/import_people"))
    assert "Send the list of role holders as a file" in ask.params["text"]
    pdf = standin.document(COORDINATOR, b"%PDF-1.4", "list.pdf", "application/pdf")
    [refused] = await running.say(COORDINATOR, pdf)
    assert "That is not a list" in refused.params["text"]
    assert not standin.of("getFile") and not standin.downloads
