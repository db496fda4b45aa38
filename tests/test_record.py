"""Raw records: each block kind, the paragraph restorer, timestamps, the variants, any text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.record import (
    Record,
    RecordError,
    decode_record,
    parse_record,
    parse_timestamp,
    restore_paragraphs,
    split_blocks,
)

RECORDS = Path(__file__).parent / "fixtures" / "records"
SEED = RECORDS / "000_88a23850ce5ffe07.txt"


def load(name: str) -> Record | RecordError:
    text = decode_record((RECORDS / name).read_bytes())
    assert isinstance(text, str)
    return parse_record(text)


def record(**blocks: str) -> str:
    """A minimal fictional record; a block given as "" is left out."""
    parts = {
        "header": " date 2031-06-04 https://news.example.org/2031/06/quiet-day-in-lowmere.html",
        "title": "Quiet Day in Lowmere",
        "title2": "Quiet Day in Lowmere",
        "description": "Nothing much happened in fictional Lowmere... 04.06.2031, Lowmere Gazette",
        "published": "2031-06-04T09:15+0200",
        "published2": "2031-06-04T09:15+0200",
        "modified": "2031-06-04T10:00+0200",
        "keywords": "calm",
        "xpath": "/html/head/meta[@name='og:title']/@content",
        "image": "https://img.example.org/quiet.jpg",
        "body": "Nothing happened.The end.",
        "related": "https://news.example.org/2031/06/yesterday.html",
        "publisher": "Lowmere Gazette desk@news.example.org +100 Gazette Ltd 252 60",
        "year": "2031",
        "section": "News",
        "locale": "en_GB",
        "sizes": "1920 1080 true",
        "keywords2": "calm",
    }
    parts.update(blocks)
    return "\n\n".join(v for v in parts.values() if v) + "\n"


def parsed(**blocks: str) -> Record:
    result = parse_record(record(**blocks))
    assert isinstance(result, Record), result
    return result


# --- the seed --------------------------------------------------------------------------


def test_seed_fields() -> None:
    r = load(SEED.name)
    assert isinstance(r, Record)
    assert r.url.endswith("-with-shoigu-1092943152.html")
    assert (
        r.title == "UK's Defence Chief Says Ready to Discuss Russian Security Proposals With Shoigu"
    )
    assert r.summary is not None and r.summary.startswith("UK Defence Chief Ben Wallace traveled")
    assert r.summary.endswith("negotiations with...")
    assert r.publisher == "Sputnik International"
    assert r.published == datetime(2022, 2, 11, 14, 31, tzinfo=UTC)
    assert r.modified == datetime(2022, 2, 11, 14, 58, tzinfo=UTC)
    assert r.keywords == ("treaty",)
    assert r.image is not None and r.image.endswith(".jpg")
    assert r.related == (
        "https://sputniknews.com/20220211/level-of-relations-between-russia-and-uk-is-close-to-zero-defence-minister-shoigu-says-1092941994.html",
    )
    assert (r.section, r.locale, r.language) == ("News", "en_EN", "en")
    assert r.warnings == ()


def test_seed_paragraphs_restored_without_changing_a_character() -> None:
    r = load(SEED.name)
    assert isinstance(r, Record)
    assert "".join(r.paragraphs) == r.body
    assert len(r.paragraphs) == 7
    assert r.paragraphs[1].startswith('"I hope that by speaking today')
    assert r.paragraphs[1].endswith("Wallace said.")
    assert r.paragraphs[4].startswith('"Therefore, I really hope')
    assert r.paragraphs[5].endswith('"we will respond in the near future."')
    # "General Staff. His visit" has a space: one paragraph.
    assert "Staff. His visit" in r.paragraphs[6]


# --- one test per block kind ------------------------------------------------------------


def test_header_gives_the_url() -> None:
    assert parsed().url == "https://news.example.org/2031/06/quiet-day-in-lowmere.html"


def test_header_with_an_impossible_date_is_an_error() -> None:
    result = parse_record(record(header=" date 2031-13-45 https://news.example.org/x.html"))
    assert result == RecordError(1, "header: not a date: '2031-13-45'")


def test_title_given_once_is_a_warning() -> None:
    r = parsed(title2="")
    assert r.title == "Quiet Day in Lowmere"
    assert [w.message for w in r.warnings] == ["title: given once, not twice"]


def test_description_tail_is_cut_from_the_summary() -> None:
    r = parsed()
    assert r.summary == "Nothing much happened in fictional Lowmere..."
    assert r.publisher == "Lowmere Gazette"


def test_no_description_takes_the_publisher_block() -> None:
    r = parsed(description="")
    assert r.summary is None
    assert r.publisher == "Lowmere Gazette"


def test_timestamps_published_and_modified() -> None:
    r = parsed()
    plus_two = timezone(timedelta(hours=2))
    assert r.published == datetime(2031, 6, 4, 9, 15, tzinfo=plus_two)
    assert r.modified == datetime(2031, 6, 4, 10, 0, tzinfo=plus_two)


def test_no_modified_timestamp() -> None:
    r = parsed(modified="")
    assert r.modified == r.published


def test_keywords_split_on_commas() -> None:
    assert parsed(keywords="nato, military,  brussels", keywords2="").keywords == (
        "nato",
        "military",
        "brussels",
    )


def test_keywords_without_the_xpath_line() -> None:
    r = parsed(xpath="")
    assert r.keywords == ("calm",)
    assert r.paragraphs == ("Nothing happened.", "The end.")


def test_image_missing() -> None:
    r = parsed(image="")
    assert r.image is None
    assert r.paragraphs == ("Nothing happened.", "The end.")


def test_a_body_with_an_email_address_is_still_the_body() -> None:
    r = parsed(body="Write to desk@news.example.org today.Letters are read.")
    assert r.paragraphs == ("Write to desk@news.example.org today.", "Letters are read.")


def test_related_urls_in_order() -> None:
    r = parsed(related="https://a.example.org/1.html\n\nhttps://a.example.org/2.html")
    assert r.related == ("https://a.example.org/1.html", "https://a.example.org/2.html")


def test_trailing_metadata() -> None:
    r = parsed(section="Culture", locale="ru_RU")
    assert (r.section, r.locale, r.language) == ("Culture", "ru_RU", "ru")
    assert r.warnings == ()


def test_unclassifiable_trailing_block_is_a_warning_not_a_guess() -> None:
    text = record(sizes="1920 1080 true\n\nThis block is prose that fits no field at all, really.")
    r = parse_record(text)
    assert isinstance(r, Record)
    assert r.section == "News"
    [warning] = r.warnings
    assert "fits no field" in warning.message
    assert (
        warning.line
        == text.split("\n").index("This block is prose that fits no field at all, really.") + 1
    )


def test_split_blocks_keeps_line_numbers() -> None:
    blocks = split_blocks("\ufeffa\r\n\r\nb\r\nc\r\n\r\n\r\nd")
    assert [(b.line, b.text) for b in blocks] == [(1, "a"), (3, "b\nc"), (7, "d")]


# --- timestamps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-02-11T14:31+0000", datetime(2022, 2, 11, 14, 31, tzinfo=UTC)),
        (
            "2022-02-11T14:31:05+03:00",
            datetime(2022, 2, 11, 14, 31, 5, tzinfo=timezone(timedelta(hours=3))),
        ),
        (
            "2022-02-11T14:31-0530",
            datetime(2022, 2, 11, 14, 31, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
        ("2022-02-11T14:31Z", datetime(2022, 2, 11, 14, 31, tzinfo=UTC)),
    ],
)
def test_timestamps_keep_their_offset(text: str, expected: datetime) -> None:
    parsed_time = parse_timestamp(text)
    assert parsed_time == expected
    assert parsed_time is not None and parsed_time.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text", ["2022-02-30T10:00+0000", "2022-02-11T25:00+0000", "2022-02-11", "soon"]
)
def test_not_timestamps(text: str) -> None:
    assert parse_timestamp(text) is None


# --- the paragraph restorer -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("One said.Two said.", ["One said.", "Two said."]),
        ("One said. Two said.", ["One said. Two said."]),
        (
            'He asked "why would we wait?"The agenda grew.',
            ['He asked "why would we wait?"', "The agenda grew."],
        ),
        ("It ended.“Next,” she said.", ["It ended.", "“Next,” she said."]),
        ('It ended."Next," she said.', ["It ended.", '"Next," she said.']),
        ('"Go," he said."Now."', ['"Go," he said.', '"Now."']),
        ("Really?Yes!No.", ["Really?", "Yes!", "No."]),
        ("Wait...What?!Fine.", ["Wait...", "What?!", "Fine."]),
        ("It rose 3.5 percent.Prices fell.", ["It rose 3.5 percent.", "Prices fell."]),
        ("The U.S. agreed.The U.K. did not.", ["The U.S. agreed.", "The U.K. did not."]),
        ("The U.S.Navy sailed.", ["The U.S.Navy sailed."]),
        ("Ask Mr.Quill about it.", ["Ask Mr.Quill about it."]),
        ("Visit sputnik.example.org today.", ["Visit sputnik.example.org today."]),
        ("Мост открыли.Жители рады.", ["Мост открыли.", "Жители рады."]),
        ("Он сказал.«Да», — ответила она.", ["Он сказал.", "«Да», — ответила она."]),
        ("Когда?»Ответа нет.", ["Когда?»", "Ответа нет."]),
        ("Он спросил: „Когда?“Ответа нет.", ["Он спросил: „Когда?“", "Ответа нет."]),
        ("  Spaces around.  ", ["Spaces around."]),
        ("", []),
    ],
)
def test_restore_paragraphs(body: str, expected: list[str]) -> None:
    assert list(restore_paragraphs(body)) == expected


@given(st.text(alphabet=st.sampled_from(list('aZЖж .!?"“”«»„3')), max_size=80))
def test_restorer_only_inserts_breaks(body: str) -> None:
    paragraphs = restore_paragraphs(body)
    assert "".join(paragraphs) == body.strip()
    assert all(paragraphs)


# --- the variants -----------------------------------------------------------------------


def test_multi_keyword_variant() -> None:
    r = load("001_multi_keyword.txt")
    assert isinstance(r, Record)
    assert r.keywords == ("harbour", "festival", "ferries", "lowmere")
    assert len(r.related) == 2
    assert r.section == "Culture"
    assert r.paragraphs[2] == '"Who would miss this?" asked Brannock.'


def test_russian_variant() -> None:
    r = load("002_russian.txt")
    assert isinstance(r, Record)
    assert r.title == "Новый мост через реку открыли в Озёрске"
    assert r.keywords == ("мост", "город")
    assert r.publisher == "Вестник Озёрска"
    assert (r.section, r.language) == ("Новости", "ru")
    assert r.paragraphs == (
        "Анна Верескова открыла новый пешеходный мост в субботу.",
        "«Мост соединит два берега», — сказала она.",
        "Строительство заняло 2,5 года.",
        "Жители спросили: «Когда откроют второй мост?»",
        "Ответа пока нет!",
    )


def test_no_description_variant() -> None:
    r = load("003_no_description.txt")
    assert isinstance(r, Record)
    assert r.summary is None and r.publisher == "Lowmere Gazette"
    assert r.published.utcoffset() == -timedelta(hours=5)


def test_no_image_variant() -> None:
    r = load("004_no_image.txt")
    assert isinstance(r, Record)
    assert r.image is None
    assert r.related == ("https://gazette.example.org/2031/09/tram-fares.html",)
    assert r.paragraphs[0] == "The number 4 tram line will close for three weeks from Monday."


def test_crlf_bom_variant_equals_its_plain_text() -> None:
    raw = (RECORDS / "007_crlf_bom.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    r = load("007_crlf_bom.txt")
    assert isinstance(r, Record)
    plain = parse_record(raw.decode("utf-8-sig").replace("\r\n", "\n"))
    assert r == plain
    assert r.title == "Snow Closes Schools"
    assert r.keywords == ("weather", "schools")


def test_truncated_variant() -> None:
    result = load("005_truncated.txt")
    assert result == RecordError(11, "truncated: the record ends before the body")


def test_missing_body_between_urls_is_an_error() -> None:
    text = record(image="", body="")
    result = parse_record(text)
    line = text.split("\n").index("https://news.example.org/2031/06/yesterday.html") + 1
    assert result == RecordError(
        line, "no body: other blocks stand where the article text should be"
    )
    text = record(image="", body="", related="")
    result = parse_record(text)
    assert isinstance(result, RecordError) and result.reason.startswith("no body")


def test_cut_after_the_body_is_truncated() -> None:
    text = record(related="", publisher="", year="", section="", locale="", sizes="", keywords2="")
    result = parse_record(text)
    assert isinstance(result, RecordError)
    assert result.reason.startswith("truncated: the record ends before the closing metadata")


def test_not_a_record_variant() -> None:
    result = load("006_not_a_record.txt")
    assert result == RecordError(1, "not a record: the first line is not ' date YYYY-MM-DD <url>'")


def test_empty_text() -> None:
    assert parse_record("") == RecordError(1, "not a record: the file is empty")


def test_undecodable_bytes_name_the_line() -> None:
    result = decode_record(b" date 2031-01-01 https://x.example.org/a\n\nCaf\xe9\n")
    assert result == RecordError(3, "not UTF-8: byte 0xe9 at offset 45")


# --- any text ---------------------------------------------------------------------------

_BLOCKISH = st.sampled_from(
    [
        " date 2031-06-04 https://news.example.org/a.html",
        "Title",
        "2031-06-04T09:15+0200",
        "2031-02-30T09:15+0200",
        "a, b",
        "/html/head/meta",
        "https://img.example.org/a.jpg",
        "Body.Text.",
        "x... 04.06.2031, Outlet",
        "Outlet a@b.org +1 Ltd 1 2",
        "2031",
        "News",
        "en_GB",
        "1920 1080 true",
        "",
        "\r\n",
        "\ufeff",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(st.one_of(_BLOCKISH, st.text(max_size=20)), max_size=25).map("\n\n".join),
    )
)
def test_any_text_is_a_record_or_an_error(text: str) -> None:
    result = parse_record(text)
    assert isinstance(result, (Record, RecordError))
    if isinstance(result, RecordError):
        assert result.reason and result.line >= 1
    else:
        assert result.url.startswith(("http://", "https://")) and result.title
        assert result.published.tzinfo is not None


@given(st.binary(max_size=200))
def test_any_bytes_decode_or_error(data: bytes) -> None:
    assert isinstance(decode_record(data), (str, RecordError))


def test_a_header_url_that_cannot_be_parsed_is_a_clear_error():
    result = parse_record(SEED.read_text(encoding="utf-8").replace("https://sputniknews.com/", "https://[sputniknews.com/", 1))
    assert isinstance(result, RecordError) and result.line == 1 and "not a valid URL" in result.reason


def test_cut_inside_the_image_url_is_truncated() -> None:
    """The scrape ended mid-URL: no extension, and nothing after it."""
    text = (RECORDS / "001_multi_keyword.txt").read_text(encoding="utf-8")
    cut = text[: text.index("https://img.gazette.example.org/2031/06/ferry-par") + len("https://img.gazette.example.org/2031/06/ferry-par")]
    result = parse_record(cut)
    line = cut.count("\n") + 1
    assert result == RecordError(line, "truncated: the record ends before the body")


def test_control_characters_are_removed_and_named_on_their_lines() -> None:
    """A scraped escape code or form feed would leave every feed of the article unreadable
    (and check refuses it): the import leaves it out, and says where it was."""
    r = parsed(title="Quiet \x1bDay in Lowmere", title2="Quiet Day in Lowmere", body="Nothing\x0c happened.\x00\x00The end.")
    assert r.title == "Quiet Day in Lowmere" and r.body == "Nothing happened.The end."
    assert [(w.line, w.message) for w in r.warnings] == [
        (3, "removed 1 invisible control character (U+001B) that no feed can carry"),
        (21, "removed 3 invisible control characters (U+000C, U+0000) that no feed can carry"),
    ]
