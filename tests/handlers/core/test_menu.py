"""What we answer to things we cannot read: each kind of media is named for what it is."""

from __future__ import annotations

from tests.support import Chat


async def test_a_location_or_voice_note_is_not_called_a_file(chat: Chat) -> None:
    await chat.send_media("location")
    assert "קיבלנו את המיקום" in chat.text and "קובץ" not in chat.text
    await chat.send_media("voice")
    assert "קיבלנו הקלטה" in chat.text and "קובץ" not in chat.text
    await chat.send_media("audio/ogg")
    assert "קיבלנו הקלטה" in chat.text
    await chat.send_media("photo")
    assert "קיבלנו את הקובץ" in chat.text
    await chat.send("/language en")
    await chat.send_media("location")
    assert "Thanks for the location" in chat.text and "file" not in chat.text
