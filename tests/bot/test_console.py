"""`hagshama chat`: what the bot sends later is printed when due, on a clock the console moves
forward; one message may span lines; /qr draws a poster once a channel is configured."""

from __future__ import annotations

from tests.support import conversation, hagshama, says, verify_dialog

LATER = "the bot, later → local"


def test_a_scheduled_bulletin_is_printed_when_the_console_clock_reaches_it(
    database_url: str, tmp_path: object
) -> None:
    granted = hagshama(
        "admin", "grant", "--console", "local", "--national", database_url=database_url
    )
    assert granted.returncode == 0, granted.stderr
    script = "\n".join(
        [
            "/subscribe",
            "עלון המעגל",
            "מאשרים",
            "/bulletin",
            "עלון המעגל השיתופי",
            "כנס גזברים ביגור\\",
            "נפגשים ביום שלישי הבא.",
            "בלי אנגלית",
            "לתזמן",
            "14.1.2030 9:00",
            "/clock +1h",
            "/clock 14.1.2030 9:30",
            "/menu",
        ]
    )
    path = f"{tmp_path}/bulletin.txt"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(script)
    result = hagshama("chat", "--script", path, database_url=database_url)
    assert result.returncode == 0, result.stderr
    verify_dialog(
        result.stdout,
        [
            says("/subscribe", "עלון המעגל השיתופי"),
            says("עלון המעגל", "ניתנת הסכמה"),
            says("מאשרים", "נרשמתם"),
            says("/bulletin", "לאיזה נושא"),
            says("עלון המעגל השיתופי", "הגיליון הבא של עלון המעגל השיתופי"),
            says("כנס גזברים ביגור", "נוסח באנגלית", absent=("צריך טקסט",)),
            says("בלי אנגלית", "כנס גזברים ביגור\n\nנפגשים ביום שלישי הבא.", "למנוי אחד"),
            says("לתזמן", "מתי לשלוח?"),
            says("14.1.2030 9:00", "יישלח ביום שני, 14 בינואר 2030, 09:00", absent=(LATER,)),
            says("/clock +1h", "console clock +1:00", absent=(LATER,)),
            says("/clock 14.1.2030 9:30", "Mon 14.01.2030 09:30", LATER, "📰 עלון המעגל"),
            says("/menu", "תפריט ראשי", absent=(LATER,)),
        ],
    )


def test_qr_draws_the_poster_for_the_readme_example_or_names_the_setting(
    database_url: str, tmp_path: object
) -> None:
    hagshama("admin", "grant", "--console", "local", "--national", database_url=database_url)
    path = f"{tmp_path}/qr.txt"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("/qr\nאירוע\n1\n")
    bare = hagshama("chat", "--script", path, database_url=database_url)
    assert "TELEGRAM_BOT_USERNAME" in conversation(bare.stdout)[-1][1]
    configured = hagshama(
        "chat",
        "--script",
        path,
        "--save-attachments",
        f"{tmp_path}/posters",
        database_url=database_url,
        TELEGRAM_BOT_USERNAME="hagshama_bot",
        TWILIO_WHATSAPP_FROM="whatsapp:+14155238886",
    )
    poster = conversation(configured.stdout)[-1][1]
    assert "https://t.me/hagshama_bot?start=ev_" in poster
    assert "https://wa.me/14155238886" in poster and ".png (image/png" in poster


def test_a_coordinator_sends_a_file_from_the_console_with_slash_file(
    database_url: str, tmp_path: object, catalog: None
) -> None:
    hagshama("admin", "grant", "--console", "local", "--national", database_url=database_url)
    listed = f"{tmp_path}/role-holders.csv"
    with open(listed, "w", encoding="utf-8-sig") as fh:
        fh.write("שם,טלפון,קיבוץ,תפקיד\nדנה כהן,050-123-4567,סאסא,גזבר/ית\n")
    script = f"{tmp_path}/import.txt"
    with open(script, "w", encoding="utf-8") as fh:
        fh.write(f"/import_people\n/file {tmp_path}/missing.csv\n/file {listed}\nלייבא\n")
    result = hagshama("chat", "--script", script, database_url=database_url)
    assert result.returncode == 0, result.stderr
    verify_dialog(
        result.stdout,
        [
            says("/import_people", "שלחו את רשימת בעלי התפקידים כקובץ"),
            says(f"/file {tmp_path}/missing.csv", "/file: No such file or directory"),
            says(f"/file {listed}", "שורות ברשימה: 1", "אנשים חדשים: 1"),
            says("לייבא", "הייבוא הושלם. אנשים חדשים: 1."),
        ],
    )
